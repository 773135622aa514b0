from __future__ import annotations

from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from closet.models import Category, Colour, Item, ItemPhoto, PhotoStatus, Tag, Wear


def item_list(*, user) -> QuerySet[Item]:
    """All of the user's items, any status. Every closet read starts here."""
    return Item.objects.filter(owner=user)


def item_get(*, user, pk) -> Item:
    """One of the user's items, with what its page shows; Item.DoesNotExist for anyone else's (a 404)."""
    return items_with_wear_stats(item_list(user=user)).get(pk=pk)


def items_with_wear_stats(queryset: QuerySet[Item]) -> QuerySet[Item]:
    """Items with everything a list or a card shows, computed from the wear log, in a fixed number of queries:

    ``wear_count``, ``last_worn_on``, ``cost_per_wear`` (price / wears, None when either is missing),
    ``wears_since_wash`` (wears after ``last_washed_on``), and the primary photo as ``primary_photos`` (a list of
    at most one), plus category, subcategory, colours and tags.
    """
    wears_since_wash = (
        Wear.objects.filter(item=OuterRef("pk"))
        .filter(Q(worn_on__gt=OuterRef("last_washed_on")) | Q(item__last_washed_on__isnull=True))
        .values("item")
        .annotate(n=Count("pk"))
        .values("n")
    )
    if not queryset.query.order_by:
        # Meta.ordering is not applied to aggregated queries; pages must still come in a stable order.
        queryset = queryset.order_by("-created_at", "pk")
    return (
        queryset.select_related("category", "subcategory")
        .prefetch_related(
            "colours",
            "tags",
            Prefetch(
                "photos",
                queryset=ItemPhoto.objects.filter(is_primary=True, status=PhotoStatus.READY),
                to_attr="primary_photos",
            ),
        )
        .annotate(
            wear_count=Count("wears", distinct=True),
            last_worn_on=Max("wears__worn_on"),
            wears_since_wash=Coalesce(Subquery(wears_since_wash), Value(0)),
        )
        .annotate(
            # Guarded: PostgreSQL raises on division by zero, and an unworn item has no cost per wear yet.
            cost_per_wear=Case(
                When(wear_count__gt=0, then=F("price") / F("wear_count")),
                default=None,
                output_field=DecimalField(max_digits=12, decimal_places=2),
            )
        )
    )


def item_needs_wash(item: Item) -> bool:
    """Needs a wash when it has been worn ``wash_interval`` times since it was last washed."""
    return bool(item.wash_interval) and getattr(item, "wears_since_wash", 0) >= item.wash_interval


def category_list() -> QuerySet[Category]:
    """The shared taxonomy (not personal data): main categories with their subcategories."""
    return Category.objects.filter(parent__isnull=True).prefetch_related("children")


def colour_list() -> QuerySet[Colour]:
    return Colour.objects.all()


def tag_list(*, user) -> QuerySet[Tag]:
    return Tag.objects.filter(owner=user)
