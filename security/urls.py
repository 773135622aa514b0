from django.urls import path

from security import views

app_name = "security"
urlpatterns = [
    path("analytics/", views.usage_dashboard, name="analytics"),
]
