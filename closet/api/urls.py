"""The closet's REST routes. Each area keeps its views in closet/api/<area>.py."""

from rest_framework.routers import SimpleRouter

from closet.api import items

router = SimpleRouter()
router.register("items", items.ItemViewSet, basename="item")
router.register("categories", items.CategoryViewSet, basename="category")
router.register("colours", items.ColourViewSet, basename="colour")

urlpatterns = [*router.urls]
