from django.urls import path
from rest_framework.routers import SimpleRouter

from accounts.api.views import DeviceViewSet, LocationView, ProfileView

router = SimpleRouter()
router.register("devices", DeviceViewSet, basename="device")

urlpatterns = [
    path("profile/", ProfileView.as_view(), name="profile"),
    path("profile/location/", LocationView.as_view(), name="location"),
    *router.urls,
]
