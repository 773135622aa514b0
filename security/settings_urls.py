from django.urls import path  # noqa: F401

# The signed-in person's own security log, under /settings/security/.
app_name = "security-settings"
urlpatterns: list = []
