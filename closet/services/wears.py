"""The wear log and laundry. Logging is idempotent per garment per day; counters are never stored (see models)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from closet.models import Item, Outfit, Wear
from closet.selectors.wears import user_latest_allowed_day, user_today

UNKNOWN_ITEM = "Unknown item."
UNKNOWN_OUTFIT = "Unknown outfit."


@dataclass(frozen=True)
class WearLog:
    """What logging did: every wear of that day for the garments concerned, and how many of them are new."""

    wears: list[Wear]
    created: int


def _day_check(*, owner, day: datetime.date, field: str, what: str) -> None:
    if day > user_latest_allowed_day(user=owner):
        raise ValidationError({field: f"That day has not come yet: you can log {what} up to today."})


def _items_of(outfit: Outfit) -> list[Item]:
    return [outfit_item.item for outfit_item in outfit.outfit_items.select_related("item").order_by("position")]


@transaction.atomic
def wear_log(
    *, owner, item: Item | None = None, outfit: Outfit | None = None, worn_on: datetime.date | None = None
) -> WearLog:
    """Log that ``owner`` wore one garment, or every garment of one outfit, on ``worn_on`` (default: today).

    Refuses another user's item or outfit (as unknown, never attaching it) and future days. Logging the same
    garment twice on one day is a no-op: the existing wear is returned, unchanged.
    """
    if (item is None) == (outfit is None):
        raise ValidationError({"non_field_errors": "Say what was worn: an item or an outfit (not both)."})
    if item is not None and item.owner_id != owner.pk:
        raise ValidationError({"item": UNKNOWN_ITEM})
    if outfit is not None and outfit.owner_id != owner.pk:
        raise ValidationError({"outfit": UNKNOWN_OUTFIT})
    worn_on = worn_on or user_today(user=owner)
    _day_check(owner=owner, day=worn_on, field="worn_on", what="wears")

    items = [item] if item is not None else _items_of(outfit)
    if not items:
        raise ValidationError({"outfit": "This outfit has no items to log."})
    if any(garment.owner_id != owner.pk for garment in items):  # an outfit only ever holds its owner's items
        raise ValidationError({"outfit": UNKNOWN_OUTFIT})

    wears, created = [], 0
    for garment in items:
        # get_or_create runs the insert in a savepoint and re-reads on a unique-constraint race: still a no-op.
        wear, is_new = Wear.objects.get_or_create(
            item=garment, worn_on=worn_on, defaults={"owner": owner, "outfit": outfit}
        )
        wears.append(wear)
        created += is_new
    return WearLog(wears=wears, created=created)


@transaction.atomic
def wear_delete(*, wear: Wear) -> None:
    """Undo a wear. Wear count, last worn, cost per wear and the laundry counter drop with it (all derived)."""
    wear.delete()


@transaction.atomic
def item_wash_log(*, owner, item: Item, washed_on: datetime.date | None = None) -> Item:
    """Record that ``item`` was washed on ``washed_on`` (default: today), which resets its laundry counter.

    A wash on an earlier day than the one already recorded changes nothing: washing never makes a garment dirtier.
    """
    if item.owner_id != owner.pk:
        raise ValidationError({"item": UNKNOWN_ITEM})
    washed_on = washed_on or user_today(user=owner)
    _day_check(owner=owner, day=washed_on, field="washed_on", what="washes")
    if item.last_washed_on is None or washed_on > item.last_washed_on:
        item.last_washed_on = washed_on
        item.save(update_fields=["last_washed_on", "updated_at"])
    return item
