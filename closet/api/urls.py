"""The closet's REST routes. Each area keeps its views in closet/api/<area>.py and its routes in <area>_urls.py."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from closet.api import ideas_urls, items, outfits_urls, photos_urls, stats

router = SimpleRouter()
router.register("items", items.ItemViewSet, basename="item")
router.register("categories", items.CategoryViewSet, basename="category")
router.register("colours", items.ColourViewSet, basename="colour")

# The photo routes come first: "items/bulk-photos/", "items/export/" and "items/import/" must not be read as ids.
urlpatterns = [
    *photos_urls.urlpatterns,
    *router.urls,
    path("stats/", stats.StatsView.as_view(), name="stats"),
    *outfits_urls.urlpatterns,
    *ideas_urls.urlpatterns,
]
