"""Every REST resource under /api/v1/. Each app keeps its routes in <app>/api/urls.py."""

from django.urls import include, path

urlpatterns = [
    path("", include("accounts.api.urls")),
    path("", include("closet.api.urls")),
    path("", include("privacy.api.urls")),
    path("", include("support.api.urls")),
    path("", include("stores.api.urls")),
]
