"""HTML routes of wears, outfits, plans and trips (added to closet/urls.py, in the "closet" namespace)."""

from django.urls import path

from closet.views import outfits, plans, wears

urlpatterns = [
    # Wears and laundry: buttons on the item page.
    path("closet/items/<uuid:pk>/wear/", wears.ItemWearView.as_view(), name="item-wear"),
    path("closet/items/<uuid:pk>/washed/", wears.ItemWashedView.as_view(), name="item-washed"),
    path("closet/wears/<uuid:pk>/delete/", wears.WearDeleteView.as_view(), name="wear-delete"),
    # Outfits.
    path("outfits/", outfits.OutfitListView.as_view(), name="outfit-list"),
    path("outfits/new/", outfits.OutfitCreateView.as_view(), name="outfit-create"),
    path("outfits/<uuid:pk>/", outfits.OutfitDetailView.as_view(), name="outfit-detail"),
    path("outfits/<uuid:pk>/edit/", outfits.OutfitUpdateView.as_view(), name="outfit-update"),
    path("outfits/<uuid:pk>/delete/", outfits.OutfitDeleteView.as_view(), name="outfit-delete"),
    path("outfits/<uuid:pk>/wear/", outfits.OutfitWearView.as_view(), name="outfit-wear"),
    # The plan calendar.
    path("plan/", plans.PlanWeekView.as_view(), name="plan-week"),
    path("plan/month/", plans.PlanMonthView.as_view(), name="plan-month"),
    path("plan/new/", plans.PlanCreateView.as_view(), name="plan-create"),
    path("plan/<uuid:pk>/wore/", plans.PlanWoreView.as_view(), name="plan-wore"),
    path("plan/<uuid:pk>/delete/", plans.PlanDeleteView.as_view(), name="plan-delete"),
    # Trips and packing lists.
    path("plan/trips/", plans.TripListView.as_view(), name="trip-list"),
    path("plan/trips/new/", plans.TripCreateView.as_view(), name="trip-create"),
    path("plan/trips/<uuid:pk>/", plans.TripDetailView.as_view(), name="trip-detail"),
    path("plan/trips/<uuid:pk>/edit/", plans.TripUpdateView.as_view(), name="trip-update"),
    path("plan/trips/<uuid:pk>/delete/", plans.TripDeleteView.as_view(), name="trip-delete"),
    path("plan/trips/<uuid:pk>/packing/", plans.PackingCreateView.as_view(), name="packing-create"),
    path(
        "plan/trips/<uuid:trip_pk>/packing/<uuid:pk>/packed/",
        plans.PackingToggleView.as_view(),
        name="packing-toggle",
    ),
    path(
        "plan/trips/<uuid:trip_pk>/packing/<uuid:pk>/delete/",
        plans.PackingDeleteView.as_view(),
        name="packing-delete",
    ),
]
