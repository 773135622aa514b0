"""REST routes of photos, fast digitising and CSV import/export; closet/api/urls.py appends them."""

from rest_framework.routers import SimpleRouter

from closet.api import csv_io, photos

router = SimpleRouter()
# Nested under the item; the keyword is item_pk so the owner-scoping harness can fill it from photo.item_id.
router.register(r"items/(?P<item_pk>[0-9a-f-]{36})/photos", photos.ItemPhotoViewSet, basename="item-photo")
router.register("items", photos.ItemBulkPhotosViewSet, basename="item-bulk")
router.register("items", csv_io.ItemCsvViewSet, basename="item-csv")

urlpatterns = [*router.urls]
