from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from closet.models import CategoryKind, Item, ItemPhoto, ItemStatus, Outfit, OutfitItem, PhotoStatus, Wear
from closet.selectors.items import item_list, items_with_wear_stats

# The order in which garments are offered in the outfit picker (and so, by default, stacked in the outfit):
# from the outside in and from head to toe.
KIND_ORDER = (
    CategoryKind.OUTERWEAR,
    CategoryKind.ONE_PIECE,
    CategoryKind.TOP,
    CategoryKind.BOTTOM,
    CategoryKind.SHOES,
    CategoryKind.BAG,
    CategoryKind.ACCESSORY,
)


def outfit_list(*, user) -> QuerySet[Outfit]:
    """All of the user's outfits. Every outfit read starts here."""
    return Outfit.objects.filter(owner=user)


def outfits_with_items(queryset: QuerySet[Outfit]) -> QuerySet[Outfit]:
    """Outfits with their items in order (``outfit_items`` → ``item`` with colours and primary photo) and tags."""
    return queryset.prefetch_related(
        "tags",
        Prefetch(
            "outfit_items",
            queryset=OutfitItem.objects.order_by("position")
            .select_related("item__category")
            .prefetch_related(
                "item__colours",
                Prefetch(
                    "item__photos",
                    queryset=ItemPhoto.objects.filter(is_primary=True, status=PhotoStatus.READY),
                    to_attr="primary_photos",
                ),
            ),
        ),
    )


def outfit_get(*, user, pk) -> Outfit:
    """One of the user's outfits with its items; Outfit.DoesNotExist for anyone else's (a 404)."""
    return outfits_with_items(outfit_list(user=user)).get(pk=pk)


def outfit_items_with_stats(*, outfit: Outfit) -> list[Item]:
    """The outfit's garments in their order, each with what an item card shows (wear stats, photo, colours)."""
    positions = dict(OutfitItem.objects.filter(outfit=outfit).values_list("item_id", "position"))
    items = items_with_wear_stats(item_list(user=outfit.owner).filter(pk__in=positions))
    return sorted(items, key=lambda item: positions[item.pk])


def outfit_item_choices(*, user, include_ids=()) -> list[Item]:
    """The garments the outfit picker offers: the user's active items (plus ``include_ids``, the ones already in
    the outfit being edited, whatever their status), grouped from the outside in and from head to toe."""
    items = items_with_wear_stats(
        item_list(user=user).filter(Q(status=ItemStatus.ACTIVE) | Q(pk__in=list(include_ids)))
    )
    rank = {kind: position for position, kind in enumerate(KIND_ORDER)}
    return sorted(items, key=lambda item: (rank.get(item.category.kind, len(rank)), item.name.lower()))


def outfit_collage_sources(*, outfit: Outfit) -> list[tuple[Item, ItemPhoto | None]]:
    """What the collage is drawn from: the outfit's garments in order, each with its best READY photo that has a
    thumbnail (the primary one first), or None, and with its colours prefetched."""
    outfit_items = (
        OutfitItem.objects.filter(outfit=outfit)
        .order_by("position")
        .select_related("item")
        .prefetch_related(
            "item__colours",
            Prefetch(
                "item__photos",
                queryset=ItemPhoto.objects.filter(status=PhotoStatus.READY).exclude(thumbnail=""),
                to_attr="ready_photos",
            ),
        )
    )
    return [(oi.item, oi.item.ready_photos[0] if oi.item.ready_photos else None) for oi in outfit_items]


def outfit_wear_days(*, outfit: Outfit) -> list:
    """The days the outfit was logged as worn, newest first (from the wear log)."""
    return list(
        Wear.objects.filter(owner_id=outfit.owner_id, outfit=outfit)
        .order_by("-worn_on")
        .values_list("worn_on", flat=True)
        .distinct()
    )
