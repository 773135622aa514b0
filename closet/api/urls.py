"""The closet's REST routes. Each area keeps its views in closet/api/<area>.py."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from closet.api import items, stats

router = SimpleRouter()
router.register("items", items.ItemViewSet, basename="item")
router.register("categories", items.CategoryViewSet, basename="category")
router.register("colours", items.ColourViewSet, basename="colour")

urlpatterns = [*router.urls, path("stats/", stats.StatsView.as_view(), name="stats")]

from closet.api import photos_urls  # noqa: E402

urlpatterns += photos_urls.urlpatterns

from closet.api import outfits_urls  # noqa: E402

urlpatterns += outfits_urls.urlpatterns

from closet.api import ideas_urls  # noqa: E402

urlpatterns += ideas_urls.urlpatterns
