from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.settings_home, name="settings"),
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("profile/location/", views.location, name="location"),
    path("devices/", views.devices, name="devices"),
    path("devices/current/", views.device_current_report, name="device-current"),
    path("devices/<uuid:pk>/sign-out/", views.DeviceSignOutView.as_view(), name="device-sign-out"),
    path("account/", views.account, name="account"),
    path("account/sign-out-everywhere/", views.sign_out_everywhere, name="sign-out-everywhere"),
]
