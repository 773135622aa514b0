"""The wear log and laundry on the API: /api/v1/wears/ and /api/v1/wears/washed/."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from closet.models import Item, Wear
from closet.selectors.items import item_list, item_needs_wash, items_with_wear_stats
from closet.selectors.outfits import outfit_list
from closet.selectors.wears import wear_list
from closet.services.wears import WearLog, item_wash_log, wear_delete, wear_log
from core.api.viewsets import OwnerScopedViewSet


class OwnedRelatedField(serializers.PrimaryKeyRelatedField):
    """A reference by id to one of the requesting user's own objects, looked up through an owner-scoped selector.

    Another user's id and an id that does not exist get the same answer, "Unknown <thing>.": nothing about other
    people's closets can be learnt from it, and nothing of theirs is ever attached.
    """

    def __init__(self, *, selector, thing: str, **kwargs) -> None:
        self.selector = selector
        kwargs.setdefault("pk_field", serializers.UUIDField())
        super().__init__(**kwargs)
        self.error_messages["does_not_exist"] = f"Unknown {thing}."
        self.error_messages["incorrect_type"] = f"Unknown {thing}."

    def get_queryset(self):
        request = self.context.get("request")
        return self.selector(user=request.user)


class WearSerializer(serializers.ModelSerializer):
    item = OwnedRelatedField(selector=item_list, thing="item", required=False, allow_null=True)
    outfit = OwnedRelatedField(selector=outfit_list, thing="outfit", required=False, allow_null=True)
    worn_on = serializers.DateField(required=False, help_text="Default: today.")
    item_name = serializers.CharField(source="item.name", read_only=True)

    class Meta:
        model = Wear
        fields = ("id", "item", "item_name", "outfit", "worn_on", "created_at")
        read_only_fields = ("id", "created_at")
        # Not DRF's unique-together check: logging the same garment twice on one day is a no-op, not an error.
        validators = []

    def validate(self, attrs: dict) -> dict:
        if (attrs.get("item") is None) == (attrs.get("outfit") is None):
            raise ValidationError({"non_field_errors": ["Send an item or an outfit (one of them)."]})
        return attrs


class WearLogSerializer(serializers.Serializer):
    """What logging did: every wear of that day for the garments concerned, and how many are new."""

    created = serializers.IntegerField(help_text="How many wears are new; 0 when all were already logged.")
    wears = WearSerializer(many=True)


def wear_log_response(logged: WearLog, *, context: dict) -> Response:
    """201 when something new was logged, 200 when it all already was (logging is idempotent per day)."""
    data = WearLogSerializer(logged, context=context).data
    return Response(data, status=status.HTTP_201_CREATED if logged.created else status.HTTP_200_OK)


class WearFilterSerializer(serializers.Serializer):
    item = serializers.UUIDField(required=False)
    outfit = serializers.UUIDField(required=False)
    worn_from = serializers.DateField(required=False)
    worn_to = serializers.DateField(required=False)


class WashedSerializer(serializers.Serializer):
    item = OwnedRelatedField(selector=item_list, thing="item")
    washed_on = serializers.DateField(required=False, help_text="Default: today.")


class LaundrySerializer(serializers.ModelSerializer):
    wears_since_wash = serializers.IntegerField(read_only=True, help_text="From the wear log.")
    needs_wash = serializers.SerializerMethodField()

    class Meta:
        model = Item
        fields = ("id", "name", "last_washed_on", "wash_interval", "wears_since_wash", "needs_wash")

    def get_needs_wash(self, item: Item) -> bool:
        return item_needs_wash(item)


WEAR_EXAMPLE = OpenApiExample("Worn today", value={"item": "5b7f9a52-6d2c-4f0a-9a3e-2f1c8d4b7e10"}, request_only=True)
OUTFIT_WEAR_EXAMPLE = OpenApiExample(
    "An outfit on a given day",
    value={"outfit": "0c9e6a2d-3b4f-4e5a-8c7d-1a2b3c4d5e6f", "worn_on": "2026-11-24"},
    request_only=True,
)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("item", OpenApiTypes.UUID, description="Only the wears of this item."),
            OpenApiParameter("outfit", OpenApiTypes.UUID, description="Only the wears logged with this outfit."),
            OpenApiParameter("worn_from", OpenApiTypes.DATE, description="Worn on or after this day."),
            OpenApiParameter("worn_to", OpenApiTypes.DATE, description="Worn on or before this day."),
        ]
    ),
    create=extend_schema(
        request=WearSerializer,
        responses={201: WearLogSerializer, 200: WearLogSerializer},
        examples=[WEAR_EXAMPLE, OUTFIT_WEAR_EXAMPLE],
        description="Log that an item, or every item of an outfit, was worn on a day (default today). Logging "
        "the same item twice on one day changes nothing and answers 200; a future day is refused.",
    ),
    destroy=extend_schema(description="Undo a wear: wear count, last worn, cost per wear and laundry drop with it."),
)
class WearViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    OwnerScopedViewSet,
):
    """The wear log: the only record of what was worn when. Wear counts, last worn, cost per wear and "needs a
    wash" are all counted from it."""

    selector = wear_list
    serializer_class = WearSerializer
    lookup_value_regex = "[0-9a-f-]{36}"

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.action != "list":
            return queryset
        filters = WearFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        wanted = filters.validated_data
        lookups = {
            "item_id": wanted.get("item"),
            "outfit_id": wanted.get("outfit"),
            "worn_on__gte": wanted.get("worn_from"),
            "worn_on__lte": wanted.get("worn_to"),
        }
        return queryset.filter(**{lookup: value for lookup, value in lookups.items() if value is not None})

    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        logged = wear_log(
            owner=request.user, item=data.get("item"), outfit=data.get("outfit"), worn_on=data.get("worn_on")
        )
        return wear_log_response(logged, context=self.get_serializer_context())

    def perform_destroy(self, instance: Wear) -> None:
        wear_delete(wear=instance)

    @extend_schema(
        request=WashedSerializer,
        responses=LaundrySerializer,
        examples=[
            OpenApiExample("Washed today", value={"item": "5b7f9a52-6d2c-4f0a-9a3e-2f1c8d4b7e10"}, request_only=True)
        ],
        description="Record that an item was washed (default today): its laundry counter starts again.",
    )
    @action(detail=False, methods=["post"], url_path="washed")
    def washed(self, request: Request) -> Response:
        serializer = WashedSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        item = item_wash_log(
            owner=request.user,
            item=serializer.validated_data["item"],
            washed_on=serializer.validated_data.get("washed_on"),
        )
        item = items_with_wear_stats(item_list(user=request.user)).get(pk=item.pk)
        return Response(LaundrySerializer(item).data)
