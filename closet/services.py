"""Every write of closet data. HTML views, API views, admin actions and tasks all call these."""

from __future__ import annotations

from django.db import transaction

from closet.models import Item

_EDITABLE_FIELDS = ("name", "category", "colour", "brand", "notes")


@transaction.atomic
def closet_item_create(*, owner, name: str, category: str, colour: str = "", brand: str = "", notes: str = "") -> Item:
    item = Item(owner=owner, name=name, category=category, colour=colour, brand=brand, notes=notes)
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def closet_item_update(*, item: Item, **changes: object) -> Item:
    unknown = set(changes) - set(_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    for name, value in changes.items():
        setattr(item, name, value)
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def closet_item_delete(*, item: Item) -> None:
    item.delete()
