"""Reads of item photos and draft items. Every query starts from the owner's own rows (DESIGN.md, idea 1)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet

from closet.engine import hex_to_lab
from closet.models import Colour, Item, ItemPhoto, ItemStatus
from closet.selectors.items import item_list, items_with_wear_stats


def item_photo_list(*, user) -> QuerySet[ItemPhoto]:
    """All of the user's photos, of any item, in any state."""
    return ItemPhoto.objects.filter(owner=user, item__owner=user)


def item_photos_of_item(*, user, item_pk) -> QuerySet[ItemPhoto]:
    """The user's photos of one of the user's items (primary first, then oldest first); empty for anyone else's."""
    return item_photo_list(user=user).filter(item_id=item_pk).order_by("-is_primary", "created_at", "pk")


def item_draft_list(*, user) -> QuerySet[Item]:
    """The user's draft items (made from photos, waiting for review), oldest first, each with ``all_photos``."""
    drafts = item_list(user=user).filter(status=ItemStatus.DRAFT).order_by("created_at", "pk")
    return items_with_wear_stats(drafts).prefetch_related(
        Prefetch("photos", queryset=ItemPhoto.objects.order_by("-is_primary", "created_at"), to_attr="all_photos")
    )


def palette_nearest(*, hexes: Iterable[str], palette: Iterable[Colour] | None = None) -> list[Colour]:
    """The palette colour nearest to each ``#rrggbb`` (distance in CIELAB, which follows what eyes see), without
    repeats, in the order given. Used to suggest an item's colours from its photo; the user can change them."""
    colours = list(Colour.objects.all() if palette is None else palette)
    if not colours:
        return []
    labs = [(colour, hex_to_lab(colour.hex)) for colour in colours]
    chosen: list[Colour] = []
    for value in hexes:
        try:
            target = hex_to_lab(value)
        except ValueError:
            continue
        nearest = min(labs, key=lambda entry: _distance_sq(entry[1], target))[0]
        if nearest not in chosen:
            chosen.append(nearest)
    return chosen


def _distance_sq(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    return sum((x - y) ** 2 for x, y in zip(a, b, strict=True))
