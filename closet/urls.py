from django.urls import path

from closet import views

app_name = "closet"
urlpatterns = [
    path("", views.ItemListView.as_view(), name="item-list"),
    path("items/<uuid:pk>/", views.ItemDetailView.as_view(), name="item-detail"),
]
