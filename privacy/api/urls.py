from django.urls import path
from rest_framework.routers import SimpleRouter

from privacy.api.consents import ConsentHistoryView, ConsentListView
from privacy.api.exports import ExportJobViewSet
from privacy.api.requests import PrivacyRequestViewSet

router = SimpleRouter()
router.register("exports", ExportJobViewSet, basename="export")
router.register("privacy-requests", PrivacyRequestViewSet, basename="privacy-request")

urlpatterns = [
    path("consents/", ConsentListView.as_view(), name="consents"),
    path("consents/history/", ConsentHistoryView.as_view(), name="consent-history"),
    *router.urls,
]
