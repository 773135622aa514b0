"""The stores app's REST routes: the store API (a store's token) and the person's connections and purchases."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from stores.api import person, store

router = SimpleRouter()
router.register("store-connections", person.StoreConnectionViewSet, basename="store-connection")
router.register("store-purchases", person.StorePurchaseViewSet, basename="store-purchase")

SUB = "<str:sub>"  # the pseudonym the store knows the person by (stores.pseudonyms)

urlpatterns = [
    path(f"store/users/{SUB}/", store.StorePersonView.as_view(), name="store-api-person"),
    path(f"store/users/{SUB}/purchases/", store.StorePurchaseListCreateView.as_view(), name="store-api-purchases"),
    *router.urls,
]
