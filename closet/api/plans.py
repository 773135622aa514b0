"""Plans and trips on the API: /api/v1/plans/ (+ /wore/), /api/v1/trips/ and /api/v1/trips/{trip_pk}/packing/."""

from __future__ import annotations

import uuid

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from closet.api.wears import OwnedRelatedField, WearLogSerializer, wear_log_response
from closet.models import PackingEntry, Plan, Trip
from closet.selectors.items import item_list
from closet.selectors.outfits import outfit_list
from closet.selectors.plans import packing_list, plan_list, trip_list
from closet.services.plans import (
    packing_entry_create,
    packing_entry_delete,
    packing_entry_update,
    plan_create,
    plan_delete,
    plan_update,
    plan_wear_log,
    trip_create,
    trip_delete,
    trip_update,
)
from core.api.viewsets import OwnerScopedModelViewSet
from core.storage import private_url

UUID_PATTERN = "[0-9a-f-]{36}"


class PlanSerializer(serializers.ModelSerializer):
    outfit = OwnedRelatedField(selector=outfit_list, thing="outfit")
    outfit_name = serializers.CharField(source="outfit.name", read_only=True)
    collage_url = serializers.SerializerMethodField(help_text="The outfit's collage: a signed, expiring link.")

    class Meta:
        model = Plan
        fields = ("id", "outfit", "outfit_name", "collage_url", "planned_on", "note", "worn_at", "created_at")
        read_only_fields = ("id", "worn_at", "created_at")

    def get_collage_url(self, plan: Plan) -> str | None:
        return private_url(plan.outfit.collage.name) if plan.outfit.collage else None


class TripSerializer(serializers.ModelSerializer):
    entry_count = serializers.IntegerField(read_only=True, help_text="Entries on the packing list.")
    packed_count = serializers.IntegerField(read_only=True, help_text="Entries ticked off as packed.")

    class Meta:
        model = Trip
        fields = (
            "id", "name", "destination", "starts_on", "ends_on", "notes", "entry_count", "packed_count", "created_at",
        )  # fmt: skip
        read_only_fields = ("id", "created_at")


class PackingEntrySerializer(serializers.ModelSerializer):
    item = OwnedRelatedField(selector=item_list, thing="item", required=False, allow_null=True)
    outfit = OwnedRelatedField(selector=outfit_list, thing="outfit", required=False, allow_null=True)
    name = serializers.SerializerMethodField()

    class Meta:
        model = PackingEntry
        fields = ("id", "item", "outfit", "name", "quantity", "packed", "position")
        read_only_fields = ("id", "position")

    def get_name(self, entry: PackingEntry) -> str:
        return str(entry)


PLAN_EXAMPLE = OpenApiExample(
    "Friday dinner",
    value={"outfit": "0c9e6a2d-3b4f-4e5a-8c7d-1a2b3c4d5e6f", "planned_on": "2026-11-27", "note": "Dinner at Sara's"},
    request_only=True,
)
TRIP_EXAMPLE = OpenApiExample(
    "A weekend away",
    value={"name": "Lisbon weekend", "destination": "Lisbon", "starts_on": "2026-12-04", "ends_on": "2026-12-07"},
    request_only=True,
)
PACKING_EXAMPLE = OpenApiExample(
    "Two of a garment", value={"item": "5b7f9a52-6d2c-4f0a-9a3e-2f1c8d4b7e10", "quantity": 2}, request_only=True
)


@extend_schema_view(
    create=extend_schema(examples=[PLAN_EXAMPLE]), partial_update=extend_schema(examples=[PLAN_EXAMPLE])
)
class PlanViewSet(OwnerScopedModelViewSet):
    """Outfits planned for a day. "Wore it" turns a plan into wears."""

    selector = plan_list
    serializer_class = PlanSerializer
    lookup_value_regex = UUID_PATTERN

    def perform_create(self, serializer: PlanSerializer) -> None:
        serializer.instance = plan_create(owner=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer: PlanSerializer) -> None:
        plan_update(plan=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance: Plan) -> None:
        plan_delete(plan=instance)

    @extend_schema(
        request=None,
        responses={201: WearLogSerializer, 200: WearLogSerializer},
        description="Wore it: log a wear of every item of the planned outfit on the planned day and mark the plan "
        "worn. Idempotent; a day still to come is refused.",
    )
    @action(detail=True, methods=["post"])
    def wore(self, request: Request, pk=None) -> Response:
        plan = self.get_object()
        logged = plan_wear_log(plan=plan)
        return wear_log_response(logged, context=self.get_serializer_context())


@extend_schema_view(
    create=extend_schema(examples=[TRIP_EXAMPLE]), partial_update=extend_schema(examples=[TRIP_EXAMPLE])
)
class TripViewSet(OwnerScopedModelViewSet):
    """Trips to pack for; each has a packing list at /trips/{trip_pk}/packing/."""

    selector = trip_list
    serializer_class = TripSerializer
    lookup_value_regex = UUID_PATTERN

    def _reloaded(self, trip: Trip) -> Trip:
        return trip_list(user=self.request.user).get(pk=trip.pk)

    def perform_create(self, serializer: TripSerializer) -> None:
        trip = trip_create(owner=self.request.user, **serializer.validated_data)
        serializer.instance = self._reloaded(trip)

    def perform_update(self, serializer: TripSerializer) -> None:
        trip = trip_update(trip=serializer.instance, **serializer.validated_data)
        serializer.instance = self._reloaded(trip)

    def perform_destroy(self, instance: Trip) -> None:
        trip_delete(trip=instance)


TRIP_PK = OpenApiParameter("trip_pk", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The trip's id.")


@extend_schema_view(
    list=extend_schema(parameters=[TRIP_PK]),
    retrieve=extend_schema(parameters=[TRIP_PK]),
    create=extend_schema(parameters=[TRIP_PK], examples=[PACKING_EXAMPLE]),
    update=extend_schema(parameters=[TRIP_PK]),
    partial_update=extend_schema(
        parameters=[TRIP_PK], examples=[OpenApiExample("Packed", value={"packed": True}, request_only=True)]
    ),
    destroy=extend_schema(parameters=[TRIP_PK]),
)
class PackingEntryViewSet(OwnerScopedModelViewSet):
    """One trip's packing list: the user's own items and outfits, each ticked off when packed.

    Scoped by owner and by trip: another user's trip answers 404 on every route, list and create included.
    """

    selector = packing_list
    serializer_class = PackingEntrySerializer
    lookup_value_regex = UUID_PATTERN
    pagination_class = None  # a packing list is short and read whole

    def initial(self, request: Request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)  # authentication and permissions first
        if getattr(self, "swagger_fake_view", False):
            return
        try:
            trip_id = uuid.UUID(str(kwargs.get("trip_pk")))
        except ValueError:
            raise NotFound() from None
        self.trip = trip_list(user=request.user).filter(pk=trip_id).first()
        if self.trip is None:
            raise NotFound()

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset).filter(trip=self.trip)

    def perform_create(self, serializer: PackingEntrySerializer) -> None:
        serializer.instance = packing_entry_create(trip=self.trip, **serializer.validated_data)

    def perform_update(self, serializer: PackingEntrySerializer) -> None:
        packing_entry_update(entry=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance: PackingEntry) -> None:
        packing_entry_delete(entry=instance)
