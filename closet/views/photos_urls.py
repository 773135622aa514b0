"""HTML routes of photos, fast digitising and CSV import/export; closet/urls.py appends them (namespace closet)."""

from django.urls import path

from closet.views import csv_io, photos

urlpatterns = [
    path("closet/items/<uuid:pk>/photos/", photos.ItemPhotosView.as_view(), name="item-photos"),
    path("closet/photos/<uuid:pk>/primary/", photos.PhotoPrimaryView.as_view(), name="photo-primary"),
    path("closet/photos/<uuid:pk>/delete/", photos.PhotoDeleteView.as_view(), name="photo-delete"),
    path("closet/add-photos/", photos.AddPhotosView.as_view(), name="add-photos"),
    path("closet/review/", photos.ReviewView.as_view(), name="review"),
    path("closet/review/<uuid:pk>/", photos.ReviewSaveView.as_view(), name="review-save"),
    path("closet/review/<uuid:pk>/photo/", photos.DraftPhotoView.as_view(), name="review-photo"),
    path("closet/export.csv", csv_io.ItemsCsvExportView.as_view(), name="export-csv"),
    path("closet/import/", csv_io.ItemsCsvImportView.as_view(), name="import-csv"),
]
