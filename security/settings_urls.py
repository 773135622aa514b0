from django.urls import path

from security import views

# The signed-in person's own security log, under /settings/security/.
app_name = "security-settings"
urlpatterns = [
    path("", views.security_log, name="log"),
]
