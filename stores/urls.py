from django.urls import path

from stores import views

app_name = "stores"

urlpatterns = [
    path("", views.connections, name="connections"),
    path("<uuid:pk>/revoke/", views.ConnectionRevokeView.as_view(), name="connection-revoke"),
    path("<uuid:pk>/auto-accept/", views.ConnectionAutoAcceptView.as_view(), name="connection-auto-accept"),
    path("purchases/<uuid:pk>/accept/", views.PurchaseAcceptView.as_view(), name="purchase-accept"),
    path("purchases/<uuid:pk>/dismiss/", views.PurchaseDismissView.as_view(), name="purchase-dismiss"),
]
