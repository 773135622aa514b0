from django.urls import path

from privacy.api.consents import ConsentHistoryView, ConsentListView

urlpatterns = [
    path("consents/", ConsentListView.as_view(), name="consents"),
    path("consents/history/", ConsentHistoryView.as_view(), name="consent-history"),
]
