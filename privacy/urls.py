from django.urls import path

from privacy import views

app_name = "privacy"
urlpatterns = [
    path("privacy/", views.policy, name="policy"),
    path("privacy/versions/<str:version>/", views.policy, name="policy-version"),
    path("privacy/changes/<int:pk>/acknowledge/", views.policy_acknowledge_view, name="policy-acknowledge"),
    path("staff/privacy/data-map/", views.staff_data_map, name="staff-data-map"),
    path("staff/privacy/retention/", views.staff_retention_status, name="staff-retention"),
    path("privacy/cookies/", views.cookie_choice, name="cookie-choice"),
    path("settings/privacy/", views.privacy_centre, name="centre"),
    path("settings/privacy/history.json", views.consent_history_download, name="history-download"),
    path("settings/privacy/exports/", views.exports, name="exports"),
    path("settings/privacy/exports/<uuid:pk>/download/", views.ExportDownloadView.as_view(), name="export-download"),
    path("settings/privacy/requests/", views.privacy_requests, name="requests"),
    path("settings/privacy/delete-account/", views.account_delete, name="account-delete"),
    path("settings/privacy/restrictions/", views.restrictions, name="restrictions"),
    path("privacy/erasure/cancel/<str:token>/", views.erasure_cancel, name="erasure-cancel"),
    path("settings/privacy/notifications/", views.notification_preferences, name="notifications"),
    path("settings/privacy/<str:purpose>/", views.consent_toggle, name="consent-toggle"),
    path("privacy/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
