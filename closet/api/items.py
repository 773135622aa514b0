from __future__ import annotations

import datetime
from collections.abc import Callable

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import ISO_8601, mixins, serializers, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings

from closet import services
from closet.filters import ItemFilterSet
from closet.list_cache import closet_list_cached
from closet.models import SEASONS, Category, Colour, Item
from closet.selectors import category_list, colour_list, item_list, items_with_wear_stats
from closet.selectors.items import item_needs_wash, item_row_needs_wash, item_rows_in_order, items_sortable
from core.api.viewsets import OwnerScopedModelViewSet
from core.storage import private_url


class TagNamesField(serializers.ListField):
    """Tags by name: written as a list of words, read from the item's tags."""

    child = serializers.CharField(max_length=40)

    def to_representation(self, tags) -> list[str]:
        return [tag.name for tag in tags.all()]


class ItemSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="slug", queryset=Category.objects.filter(parent__isnull=True))
    subcategory = serializers.SlugRelatedField(
        slug_field="slug", queryset=Category.objects.filter(parent__isnull=False), required=False, allow_null=True
    )
    colours = serializers.SlugRelatedField(many=True, slug_field="slug", queryset=Colour.objects.all(), required=False)
    tags = TagNamesField(required=False, max_length=30)
    currency = serializers.RegexField(
        r"^[A-Za-z]{3}$",
        required=False,
        allow_blank=True,
        error_messages={"invalid": "A three-letter code such as EUR."},
    )
    seasons = serializers.ListField(child=serializers.ChoiceField(choices=SEASONS), required=False)
    wear_count = serializers.IntegerField(read_only=True, help_text="From the wear log.")
    last_worn_on = serializers.DateField(read_only=True, allow_null=True)
    cost_per_wear = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True, allow_null=True)
    wears_since_wash = serializers.IntegerField(read_only=True)
    needs_wash = serializers.SerializerMethodField()
    photo_url = serializers.SerializerMethodField(help_text="The primary photo's thumbnail: a signed, expiring link.")

    class Meta:
        model = Item
        fields = (
            "id", "name", "category", "subcategory", "colours", "pattern", "material", "brand", "size", "seasons",
            "formality", "warmth", "price", "currency", "purchase_date", "source", "status", "wash_interval",
            "last_washed_on", "tags", "notes", "wear_count", "last_worn_on", "cost_per_wear", "wears_since_wash",
            "needs_wash", "photo_url", "created_at", "updated_at",
        )  # fmt: skip
        read_only_fields = ("id", "source", "created_at", "updated_at")

    def validate_currency(self, value: str) -> str:
        return value.upper()

    def get_needs_wash(self, item: Item) -> bool:
        return item_needs_wash(item)

    def get_photo_url(self, item: Item) -> str | None:
        photos = getattr(item, "primary_photos", None)
        if photos and photos[0].thumbnail:
            return private_url(photos[0].thumbnail.name)
        return None


# Formatting as ItemSerializer's fields do (the same settings: time zone, decimals as strings), without binding a
# serializer to every row.
_DATETIME = serializers.DateTimeField()
_DATE = serializers.DateField()
_PRICE = serializers.DecimalField(max_digits=10, decimal_places=2)
_COST_PER_WEAR = serializers.DecimalField(max_digits=12, decimal_places=2)


def _or_none(field: serializers.Field, value):
    return None if value is None else field.to_representation(value)


def _datetime_text() -> Callable[[datetime.datetime], str]:
    """``DateTimeField.to_representation`` for the aware datetimes of one page, the time zone looked up once.

    What DRF does for each value (ISO 8601 in the current time zone, ``Z`` for UTC), without its per-value
    settings and time zone look-ups; DRF's own field where the settings ask for anything else.
    """
    output_format = api_settings.DATETIME_FORMAT
    if not settings.USE_TZ or not isinstance(output_format, str) or output_format.lower() != ISO_8601:
        return _DATETIME.to_representation
    zone = timezone.get_current_timezone()

    def text(value: datetime.datetime) -> str:
        formatted = value.astimezone(zone).isoformat()
        return formatted[:-6] + "Z" if formatted.endswith("+00:00") else formatted

    return text


def item_row_representation(row: dict, *, datetime_text: Callable[[datetime.datetime], str] | None = None) -> dict:
    """What ``ItemSerializer`` answers for an item, from a row of ``items_rows_in_order``: the list's fast path.

    ``tests/closet/test_list_cache.py`` checks that both give the same answer, field for field, for varied items.
    ``datetime_text`` formats the timestamps (``_datetime_text()``, made once per page).
    """
    datetime_text = datetime_text or _datetime_text()
    return {
        "id": str(row["id"]),
        "name": row["name"],
        "category": row["category_slug"],
        "subcategory": row["subcategory_slug"],
        "colours": row["colour_slugs"],
        "pattern": row["pattern"],
        "material": row["material"],
        "brand": row["brand"],
        "size": row["size"],
        "seasons": [season for season in SEASONS if row[f"season_{season}"]],
        "formality": row["formality"],
        "warmth": row["warmth"],
        "price": _or_none(_PRICE, row["price"]),
        "currency": row["currency"],
        "purchase_date": _or_none(_DATE, row["purchase_date"]),
        "source": row["source"],
        "status": row["status"],
        "wash_interval": row["wash_interval"],
        "last_washed_on": _or_none(_DATE, row["last_washed_on"]),
        "tags": row["tag_names"],
        "notes": row["notes"],
        "wear_count": row["wear_count"],
        "last_worn_on": _or_none(_DATE, row["last_worn_on"]),
        "cost_per_wear": _or_none(_COST_PER_WEAR, row["cost_per_wear"]),
        "wears_since_wash": row["wears_since_wash"],
        "needs_wash": item_row_needs_wash(row),
        "photo_url": private_url(row["thumbnail"]) if row["thumbnail"] else None,
        "created_at": datetime_text(row["created_at"]),
        "updated_at": datetime_text(row["updated_at"]),
    }


ITEM_EXAMPLE = OpenApiExample(
    "A coat",
    value={
        "name": "Camel wool coat",
        "category": "outerwear",
        "subcategory": "coats",
        "colours": ["camel"],
        "seasons": ["autumn", "winter"],
        "formality": 4,
        "warmth": 5,
        "price": "249.00",
        "currency": "EUR",
        "tags": ["work", "favourite"],
    },
    request_only=True,
)


@extend_schema_view(
    create=extend_schema(examples=[ITEM_EXAMPLE]), partial_update=extend_schema(examples=[ITEM_EXAMPLE])
)
class ItemViewSet(OwnerScopedModelViewSet):
    """Garments in the signed-in user's closet, with wear counts, last worn and cost per wear from the wear log."""

    selector = item_list
    serializer_class = ItemSerializer
    lookup_value_regex = "[0-9a-f-]{36}"
    # Search, filters and sort (closet/filters.py, shared with the HTML list): bad values answer 400 "invalid".
    filter_backends = [DjangoFilterBackend]
    filterset_class = ItemFilterSet

    def filter_queryset(self, queryset):
        # The wear stats first: sorting by wear count, last worn or cost per wear needs their annotations.
        return super().filter_queryset(items_with_wear_stats(queryset))

    def list(self, request, *args, **kwargs):
        # No docstring: drf-spectacular would publish it as the operation's description.
        # Filter, sort and page on ids, then build the page's rows from plain values (item_rows_in_order). The
        # answer is kept in the per-owner list cache (closet/list_cache.py): any write to what the list shows
        # drops it, and it lives shorter than the signed photo links in it.
        renderer = request.accepted_renderer
        if type(renderer) is not JSONRenderer:  # the browsable API: the page's data, rendered for each request
            return Response(closet_list_cached(request, compute=lambda: self._list_data(request)))
        # A JSON client gets the cached bytes themselves: rendering a page of 100 items costs as much as the
        # rest of a cached request. The key holds the media type (``; indent=4`` changes the bytes).
        body = closet_list_cached(
            request,
            compute=lambda: renderer.render(
                self._list_data(request), request.accepted_media_type, self.get_renderer_context()
            ),
            kind="api-json",
            extra=[request.accepted_media_type],
        )
        # What DRF's Response would set; finalize_response adds the view's headers (Allow, Vary) all the same.
        content_type = f"{renderer.media_type}; charset={renderer.charset}" if renderer.charset else renderer.media_type
        return HttpResponse(body, content_type=content_type)

    def _list_data(self, request) -> dict | list:
        # Only the wear numbers the sort needs (the page's rows carry them all), not items_with_wear_stats.
        sortable = items_sortable(self.get_queryset(), ordering=",".join(request.GET.getlist("ordering")))
        ids = super().filter_queryset(sortable).values_list("pk", flat=True)
        page = self.paginate_queryset(ids)
        rows = item_rows_in_order(user=request.user, pks=list(ids) if page is None else page)
        datetime_text = _datetime_text()
        results = [item_row_representation(row, datetime_text=datetime_text) for row in rows]
        return results if page is None else self.get_paginated_response(results).data

    def perform_create(self, serializer: ItemSerializer) -> None:
        item = services.closet_item_create(owner=self.request.user, **serializer.validated_data)
        serializer.instance = items_with_wear_stats(item_list(user=self.request.user)).get(pk=item.pk)

    def perform_update(self, serializer: ItemSerializer) -> None:
        services.closet_item_update(item=serializer.instance, **serializer.validated_data)
        serializer.instance = items_with_wear_stats(item_list(user=self.request.user)).get(pk=serializer.instance.pk)

    def perform_destroy(self, instance: Item) -> None:
        services.closet_item_delete(item=instance)


class SubcategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ("slug", "name")


class CategorySerializer(serializers.ModelSerializer):
    subcategories = SubcategorySerializer(many=True, source="children")

    class Meta:
        model = Category
        fields = ("slug", "name", "kind", "subcategories")


class ColourSerializer(serializers.ModelSerializer):
    class Meta:
        model = Colour
        fields = ("slug", "name", "hex", "is_neutral")


class CategoryViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The garment taxonomy (shared by everyone; staff extend it in the admin)."""

    serializer_class = CategorySerializer
    permission_classes = [AllowAny]
    pagination_class = None

    def get_queryset(self):
        return category_list()


class ColourViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The named colour palette."""

    serializer_class = ColourSerializer
    permission_classes = [AllowAny]
    pagination_class = None

    def get_queryset(self):
        return colour_list()
