from django.urls import path

from privacy import views

app_name = "privacy"
urlpatterns = [
    path("privacy/", views.policy, name="policy"),
    path("privacy/versions/<str:version>/", views.policy, name="policy-version"),
    path("privacy/changes/<int:pk>/acknowledge/", views.policy_acknowledge_view, name="policy-acknowledge"),
    path("privacy/cookies/", views.cookie_choice, name="cookie-choice"),
    path("settings/privacy/", views.privacy_centre, name="centre"),
    path("settings/privacy/history.json", views.consent_history_download, name="history-download"),
    path("settings/privacy/exports/", views.exports, name="exports"),
    path("settings/privacy/exports/<uuid:pk>/download/", views.ExportDownloadView.as_view(), name="export-download"),
    path("settings/privacy/requests/", views.privacy_requests, name="requests"),
    path("settings/privacy/notifications/", views.notification_preferences, name="notifications"),
    path("settings/privacy/<str:purpose>/", views.consent_toggle, name="consent-toggle"),
    path("privacy/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
