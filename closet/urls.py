"""The closet's HTML routes: /closet/, /outfits/, /plan/, /ideas/, /stats/. Each area keeps its views in
closet/views/<area>.py and, for the larger ones, its routes in closet/views/<area>_urls.py."""

from django.urls import path

from closet.views import ideas_urls, items, outfits_urls, photos_urls, stats

app_name = "closet"
urlpatterns = [
    path("closet/", items.ItemListView.as_view(), name="item-list"),
    path("closet/items/new/", items.ItemCreateView.as_view(), name="item-create"),
    path("closet/items/<uuid:pk>/", items.ItemDetailView.as_view(), name="item-detail"),
    path("closet/items/<uuid:pk>/edit/", items.ItemUpdateView.as_view(), name="item-update"),
    path("closet/items/<uuid:pk>/delete/", items.ItemDeleteView.as_view(), name="item-delete"),
    path("stats/", stats.StatsView.as_view(), name="stats"),
    *outfits_urls.urlpatterns,
    *photos_urls.urlpatterns,
    *ideas_urls.urlpatterns,
]
