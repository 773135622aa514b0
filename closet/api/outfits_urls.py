"""REST routes of wears, outfits, plans and trips (included by closet/api/urls.py)."""

from rest_framework.routers import SimpleRouter

from closet.api import outfits, plans, wears

router = SimpleRouter()
router.register("wears", wears.WearViewSet, basename="wear")
router.register("outfits", outfits.OutfitViewSet, basename="outfit")
router.register("plans", plans.PlanViewSet, basename="plan")
router.register("trips", plans.TripViewSet, basename="trip")
router.register(rf"trips/(?P<trip_pk>{plans.UUID_PATTERN})/packing", plans.PackingEntryViewSet, basename="trip-packing")

urlpatterns = [*router.urls]
