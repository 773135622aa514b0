from django.urls import path

from support import views

app_name = "support"
urlpatterns = [
    path("", views.SupportHomeView.as_view(), name="home"),
    path("<uuid:pk>/", views.SupportThreadView.as_view(), name="thread"),
]
