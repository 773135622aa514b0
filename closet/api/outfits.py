"""Outfits on the API: /api/v1/outfits/ (CRUD) and POST /api/v1/outfits/{id}/wear/."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from closet.api.items import TagNamesField
from closet.api.wears import WearLogSerializer, wear_log_response
from closet.models import SEASONS, Outfit
from closet.selectors.outfits import outfit_get, outfit_list, outfits_with_items
from closet.services.outfits import MAX_ITEMS, outfit_create, outfit_delete, outfit_update, outfit_wear_log
from core.api.viewsets import OwnerScopedModelViewSet
from core.storage import private_url


class OutfitItemsField(serializers.ListField):
    """The outfit's items as a list of item ids, in the order they are shown."""

    child = serializers.UUIDField()

    def to_representation(self, outfit_items) -> list[str]:
        return [str(outfit_item.item_id) for outfit_item in outfit_items.all()]


class OutfitSerializer(serializers.ModelSerializer):
    items = OutfitItemsField(
        source="outfit_items",
        min_length=1,
        max_length=MAX_ITEMS,
        help_text="Ids of your own items, in order. Anyone else's item is refused as an unknown item.",
    )
    seasons = serializers.ListField(child=serializers.ChoiceField(choices=SEASONS), required=False)
    tags = TagNamesField(required=False, max_length=30)
    collage_url = serializers.SerializerMethodField(help_text="The collage picture: a signed, expiring link.")
    collage_pending = serializers.SerializerMethodField(
        help_text="True while a new collage is being drawn (the items changed since the last one)."
    )

    class Meta:
        model = Outfit
        fields = (
            "id", "name", "items", "occasion", "seasons", "rating", "favourite", "tags", "notes", "collage_url",
            "collage_pending", "created_at", "updated_at",
        )  # fmt: skip
        read_only_fields = ("id", "created_at", "updated_at")

    def get_collage_url(self, outfit: Outfit) -> str | None:
        return private_url(outfit.collage.name) if outfit.collage else None

    def get_collage_pending(self, outfit: Outfit) -> bool:
        return outfit.collage_version != outfit.collage_rendered_version


class WornOnSerializer(serializers.Serializer):
    worn_on = serializers.DateField(required=False, help_text="Default: today.")


OUTFIT_EXAMPLE = OpenApiExample(
    "Office Monday",
    value={
        "name": "Office Monday",
        "items": ["5b7f9a52-6d2c-4f0a-9a3e-2f1c8d4b7e10", "9d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6"],
        "occasion": "work",
        "seasons": ["autumn", "winter"],
        "rating": 4,
        "favourite": True,
        "tags": ["work"],
    },
    request_only=True,
)


def _service_arguments(validated: dict) -> dict:
    data = dict(validated)
    if "outfit_items" in data:
        data["items"] = data.pop("outfit_items")
    return data


@extend_schema_view(
    create=extend_schema(examples=[OUTFIT_EXAMPLE]), partial_update=extend_schema(examples=[OUTFIT_EXAMPLE])
)
class OutfitViewSet(OwnerScopedModelViewSet):
    """Outfits made of the signed-in user's items, with a collage drawn in the background."""

    selector = outfit_list
    serializer_class = OutfitSerializer
    lookup_value_regex = "[0-9a-f-]{36}"

    def filter_queryset(self, queryset):
        return outfits_with_items(super().filter_queryset(queryset))

    def perform_create(self, serializer: OutfitSerializer) -> None:
        outfit = outfit_create(owner=self.request.user, **_service_arguments(serializer.validated_data))
        serializer.instance = outfit_get(user=self.request.user, pk=outfit.pk)

    def perform_update(self, serializer: OutfitSerializer) -> None:
        outfit_update(outfit=serializer.instance, **_service_arguments(serializer.validated_data))
        serializer.instance = outfit_get(user=self.request.user, pk=serializer.instance.pk)

    def perform_destroy(self, instance: Outfit) -> None:
        outfit_delete(outfit=instance)

    @extend_schema(
        request=WornOnSerializer,
        responses={201: WearLogSerializer, 200: WearLogSerializer},
        examples=[OpenApiExample("Worn today", value={}, request_only=True)],
        description="Log a wear of every item of the outfit on a day (default today); idempotent per day.",
    )
    @action(detail=True, methods=["post"])
    def wear(self, request: Request, pk=None) -> Response:
        outfit = self.get_object()
        when = WornOnSerializer(data=request.data)
        when.is_valid(raise_exception=True)
        logged = outfit_wear_log(owner=request.user, outfit=outfit, worn_on=when.validated_data.get("worn_on"))
        return wear_log_response(logged, context=self.get_serializer_context())
