"""The closet's HTML routes: /closet/, /outfits/, /plan/, /stats/. Each area keeps its views in closet/views/."""

from django.urls import path

from closet.views import items, stats

app_name = "closet"
urlpatterns = [
    path("closet/", items.ItemListView.as_view(), name="item-list"),
    path("closet/items/new/", items.ItemCreateView.as_view(), name="item-create"),
    path("closet/items/<uuid:pk>/", items.ItemDetailView.as_view(), name="item-detail"),
    path("closet/items/<uuid:pk>/edit/", items.ItemUpdateView.as_view(), name="item-update"),
    path("closet/items/<uuid:pk>/delete/", items.ItemDeleteView.as_view(), name="item-delete"),
    path("stats/", stats.StatsView.as_view(), name="stats"),
]

from closet.views import outfits_urls  # noqa: E402

urlpatterns += outfits_urls.urlpatterns

from closet.views import photos_urls  # noqa: E402

urlpatterns += photos_urls.urlpatterns

from closet.views import ideas_urls  # noqa: E402

urlpatterns += ideas_urls.urlpatterns
