from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from closet.models import Category, Colour, Item, ItemPhoto, Tag
from core.storage import private_files_delete_on_commit

EDITABLE_FIELDS = (
    "name",
    "category",
    "subcategory",
    "pattern",
    "material",
    "brand",
    "size",
    "formality",
    "warmth",
    "price",
    "currency",
    "purchase_date",
    "source",
    "status",
    "wash_interval",
    "last_washed_on",
    "notes",
)


def tags_get_or_create(owner, names: Iterable[str]) -> list[Tag]:
    """The owner's tags of these names (lower-cased, at most 40 characters), created when missing."""
    cleaned = list(dict.fromkeys(n.strip().lower()[:40] for n in names if n and n.strip()))
    existing = {t.name: t for t in Tag.objects.filter(owner=owner, name__in=cleaned)}
    return [existing.get(name) or Tag.objects.create(owner=owner, name=name) for name in cleaned]


def _apply(item: Item, *, colours=None, tags=None, seasons=None, **fields) -> Item:
    adding = item._state.adding
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        if value is None and name not in ("subcategory", "formality", "warmth", "price", "purchase_date",
                                          "wash_interval", "last_washed_on"):  # fmt: skip
            value = ""
        setattr(item, name, value)
    if isinstance(item.currency, str):
        item.currency = item.currency.upper()
    if seasons is not None:
        item.seasons_set(seasons)
    if item.subcategory_id and item.subcategory.parent_id != item.category_id:
        raise ValidationError({"subcategory": f"{item.subcategory.name} is not a kind of {item.category.name}."})
    if item.price is not None and not item.currency:
        raise ValidationError({"currency": "A price needs a currency, such as EUR."})
    item.full_clean(exclude=["owner"])
    item.save()
    if colours is not None:
        colours = list(colours)
        # Forms send every field: only a real change of colours redraws the collages of the item's outfits
        # (a photo-less item's tile takes its first colour). A new item is in no outfit yet.
        if colours if adding else {c.pk for c in colours} != set(item.colours.values_list("pk", flat=True)):
            item.colours.set(colours)
            if not adding:
                from closet.services.outfits import outfit_collages_refresh  # outfits imports this module

                outfit_collages_refresh(item_id=item.pk)
    if tags is not None:
        item.tags.set(tags_get_or_create(item.owner, tags))
    return item


@transaction.atomic
def closet_item_create(
    *,
    owner,
    name: str,
    category: Category,
    colours: Iterable[Colour] = (),
    tags: Iterable[str] = (),
    seasons: Iterable[str] = (),
    **fields,
) -> Item:
    item = Item(owner=owner, category=category)
    return _apply(item, name=name, category=category, colours=list(colours), tags=list(tags), seasons=list(seasons),
                  **fields)  # fmt: skip


@transaction.atomic
def closet_item_update(*, item: Item, **changes) -> Item:
    """Change any editable fields; ``colours``, ``tags`` and ``seasons`` replace the whole set when given."""
    return _apply(item, **changes)


@transaction.atomic
def closet_item_delete(*, item: Item) -> None:
    """Delete an item with its photos, wears and outfit places; its stored files go once this commits (CLO-4)."""
    names = []
    for photo in ItemPhoto.objects.filter(item=item):
        names += [photo.upload.name, photo.original.name, photo.thumbnail.name]
    item.delete()
    private_files_delete_on_commit(*names)
