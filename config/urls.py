from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from core import views as core_views
from stores import oidc_views as stores_oidc_views

urlpatterns = [
    path("", core_views.landing, name="landing"),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("files/<path:name>", core_views.private_file, name="private-file"),
    path("", include("closet.urls")),
    path("settings/", include("accounts.urls")),
    path("", include("privacy.urls")),
    path("support/", include("support.urls")),
    path("staff/", include("security.urls")),
    path("settings/security/", include("security.settings_urls")),
    path("settings/stores/", include("stores.urls")),
    # The consent screen of the OpenID Connect provider for stores: ours, at allauth's path (STO-1).
    path("identity/o/authorize", stores_oidc_views.authorization, name="store-authorization"),
    path("", include("allauth.idp.urls")),
    path("accounts/", include("allauth.urls")),
    path("_allauth/", include("allauth.headless.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]

handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
handler429 = "core.views.too_many_requests"  # allauth's rate limits (sign-in, sign-up, codes)

admin.site.site_header = "SesioCloset staff"
admin.site.site_title = "SesioCloset staff"
