"""Outfits: garments put together, with a collage picture drawn in the background from their photos.

Every change of an outfit's garments bumps ``collage_version`` and, once the change is committed, queues
``outfit_collage_render``. The job draws only while ``collage_version`` is ahead of ``collage_rendered_version``
and stores the picture only if the version is still the one it drew: running it twice changes nothing, and a
job that drew an older set of garments never replaces a newer collage.
"""

from __future__ import annotations

import colorsys
import datetime
import io
import math
import uuid
from collections.abc import Iterable, Sequence
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from PIL import Image, ImageDraw, ImageFont, ImageOps

from closet.models import Item, ItemPhoto, Outfit, OutfitItem
from closet.selectors.items import item_list
from closet.selectors.outfits import outfit_collage_sources
from closet.services.items import tags_get_or_create as tags_for_owner
from closet.services.wears import UNKNOWN_ITEM, WearLog, wear_log
from core.storage import private_files_delete_on_commit

EDITABLE_FIELDS = ("name", "occasion", "rating", "favourite", "notes")
MAX_ITEMS = 20

COLLAGE_SIZE = 800  # a square, in pixels
COLLAGE_BACKGROUND = (246, 241, 234)  # the light paper of the app's light theme
_TILE_BACKGROUND = (255, 255, 255)
_TILE_EDGE = (226, 218, 207)  # so a white garment still stands out from the background
_NO_COLOUR = "#c9c1b6"
_MARGIN, _GAP, _TILE_PADDING, _RADIUS = 32, 16, 10, 18
_THUMBNAIL_FORMATS = ("WEBP", "JPEG", "PNG")
_THUMBNAIL_MAX_PIXELS = 16_000_000


# --- composing outfits --------------------------------------------------------------------------------------------


def _item_ids(items: Iterable) -> list[uuid.UUID]:
    """Ids in the order given, each once. Accepts items or ids; anything that is not an id is an unknown item."""
    ids: list[uuid.UUID] = []
    for value in items:
        raw = value.pk if isinstance(value, Item) else value
        try:
            item_id = raw if isinstance(raw, uuid.UUID) else uuid.UUID(str(raw))
        except (TypeError, ValueError, AttributeError):
            raise ValidationError({"items": UNKNOWN_ITEM}) from None
        if item_id not in ids:
            ids.append(item_id)
    return ids


def _owned_items(*, owner, items: Iterable) -> list[Item]:
    """The owner's items for these ids, in order. Another user's item id is refused as unknown, never attached."""
    ids = _item_ids(items)
    if not ids:
        raise ValidationError({"items": "Pick at least one item for the outfit."})
    if len(ids) > MAX_ITEMS:
        raise ValidationError({"items": f"An outfit holds at most {MAX_ITEMS} items."})
    found = {item.pk: item for item in item_list(user=owner).filter(pk__in=ids)}
    if len(found) != len(ids):
        raise ValidationError({"items": UNKNOWN_ITEM})
    return [found[item_id] for item_id in ids]


def _collage_enqueue(outfit_id: uuid.UUID) -> None:
    from closet.tasks.outfits import outfit_collage_render

    outfit_collage_render.delay(str(outfit_id))


def _collage_refresh(outfit_ids: Sequence[uuid.UUID]) -> None:
    """Mark the collages out of date and queue their jobs once this transaction commits.

    ``robust``: a broker that is down must not turn a saved outfit into an error page; the collage then stays
    marked out of date (``collage_pending``) until the next change.
    """
    if not outfit_ids:
        return
    Outfit.objects.filter(pk__in=outfit_ids).update(collage_version=F("collage_version") + 1)
    for outfit_id in outfit_ids:
        transaction.on_commit(partial(_collage_enqueue, outfit_id), robust=True)


def _apply(outfit: Outfit, *, items=None, seasons=None, tags=None, **fields) -> Outfit:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        if value is None and name in ("occasion", "notes"):
            value = ""
        if value is None and name == "favourite":
            value = False
        setattr(outfit, name, value)
    if seasons is not None:
        outfit.seasons_set(seasons)
    errors: dict[str, list[str]] = {}
    garments = None
    if items is not None:
        try:
            garments = _owned_items(owner=outfit.owner, items=items)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    try:
        outfit.full_clean(exclude=["owner", "collage", "collage_version", "collage_rendered_version"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    outfit.save()
    if tags is not None:
        outfit.tags.set(tags_for_owner(outfit.owner, tags))
    if garments is not None:
        current = list(outfit.outfit_items.order_by("position").values_list("item_id", flat=True))
        if current != [garment.pk for garment in garments]:
            outfit.outfit_items.all().delete()
            OutfitItem.objects.bulk_create(
                OutfitItem(outfit=outfit, item=garment, position=position) for position, garment in enumerate(garments)
            )
            _collage_refresh([outfit.pk])
            outfit.refresh_from_db(fields=["collage_version"])
    return outfit


@transaction.atomic
def outfit_create(
    *,
    owner,
    name: str,
    items: Iterable,
    seasons: Iterable[str] = (),
    tags: Iterable[str] = (),
    **fields,
) -> Outfit:
    """Compose an outfit from the owner's items (``items``: items or ids, in the order they should appear).

    Another user's item is refused as an unknown item and nothing is saved. The collage is drawn in the background.
    """
    outfit = Outfit(owner=owner)
    return _apply(outfit, name=name, items=list(items), seasons=list(seasons), tags=list(tags), **fields)


@transaction.atomic
def outfit_update(*, outfit: Outfit, **changes) -> Outfit:
    """Change any editable fields; ``items``, ``seasons`` and ``tags`` replace the whole set when given. A new set
    or order of items queues a new collage."""
    return _apply(outfit, **changes)


@transaction.atomic
def outfit_delete(*, outfit: Outfit) -> None:
    """Delete an outfit with its plans and packing entries (its wears stay, without it); the collage file goes once
    this commits."""
    collage = outfit.collage.name
    outfit.delete()
    private_files_delete_on_commit(collage)


@transaction.atomic
def outfit_collages_refresh(*, item_id: Any) -> int:
    """Queue new collages for every outfit that shows the item (call it when the item's photos or colours change).
    Returns how many outfits were affected."""
    outfit_ids = list(OutfitItem.objects.filter(item_id=item_id).values_list("outfit_id", flat=True))
    _collage_refresh(outfit_ids)
    return len(outfit_ids)


def outfit_wear_log(*, owner, outfit: Outfit, worn_on: datetime.date | None = None) -> WearLog:
    """Log a wear of every garment of the outfit (see closet.services.wears.wear_log)."""
    return wear_log(owner=owner, outfit=outfit, worn_on=worn_on)


# --- the collage --------------------------------------------------------------------------------------------------


def outfit_collage_render(*, outfit_id) -> bool:
    """Draw the outfit's collage and store it, if it is out of date. Returns True when a new collage was stored.

    Not one transaction: drawing reads files and must not hold a lock. The picture is stored first, then the row
    is locked and updated (file name and rendered version together) only if its version is still the one that
    was drawn; otherwise the new file is dropped. The old file goes once the new one is committed.
    """
    outfit = Outfit.objects.filter(pk=outfit_id).first()
    if outfit is None or outfit.collage_version == outfit.collage_rendered_version:
        return False
    version = outfit.collage_version
    content = collage_draw(outfit_collage_sources(outfit=outfit))
    field = Outfit._meta.get_field("collage")
    name = default_storage.save(field.generate_filename(outfit, "collage.webp"), ContentFile(content))
    with transaction.atomic():
        current = (
            Outfit.objects.select_for_update()
            .filter(pk=outfit_id)
            .values("collage", "collage_version", "collage_rendered_version")
            .first()
        )
        if current is None or current["collage_version"] != version or current["collage_rendered_version"] >= version:
            private_files_delete_on_commit(name)  # a newer job owns the collage now
            return False
        Outfit.objects.filter(pk=outfit_id).update(collage=name, collage_rendered_version=version)
        private_files_delete_on_commit(current["collage"])
    return True


def _grid(count: int) -> tuple[int, int]:
    columns = max(1, math.ceil(math.sqrt(count)))
    return columns, max(1, math.ceil(count / columns))


def _hex_rgb(value: str) -> tuple[int, int, int]:
    value = value.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _ink_for(fill: tuple[int, int, int]) -> tuple[int, int, int]:
    """Dark letters on a light tile, light letters on a dark one."""
    lightness = colorsys.rgb_to_hls(*(channel / 255 for channel in fill))[1]
    return (43, 36, 31) if lightness > 0.6 else (255, 255, 255)


def _thumbnail(photo: ItemPhoto | None) -> Image.Image | None:
    """The photo's thumbnail as RGB pixels, or None when there is none or it cannot be read (then a tile is drawn)."""
    if photo is None or not photo.thumbnail:
        return None
    try:
        with default_storage.open(photo.thumbnail.name, "rb") as handle:
            picture = Image.open(io.BytesIO(handle.read()), formats=_THUMBNAIL_FORMATS)
            if picture.width * picture.height > _THUMBNAIL_MAX_PIXELS:
                return None
            picture.load()
    except (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError):
        return None
    if picture.mode in ("RGBA", "LA", "P"):
        picture = picture.convert("RGBA")
        flat = Image.new("RGB", picture.size, _TILE_BACKGROUND)
        flat.paste(picture, mask=picture.getchannel("A"))
        return flat
    return picture.convert("RGB")


def _initial(name: str) -> str:
    return next((character.upper() for character in name if character.isalnum()), "?")


def _draw_tile(canvas: Image.Image, box: tuple[int, int, int, int], item: Item, photo: ItemPhoto | None) -> None:
    draw = ImageDraw.Draw(canvas)
    left, top, right, bottom = box
    picture = _thumbnail(photo)
    if picture is not None:
        draw.rounded_rectangle(box, radius=_RADIUS, fill=_TILE_BACKGROUND, outline=_TILE_EDGE, width=2)
        inner = (right - left - 2 * _TILE_PADDING, bottom - top - 2 * _TILE_PADDING)
        picture = ImageOps.contain(picture, inner)
        canvas.paste(
            picture,
            (left + (right - left - picture.width) // 2, top + (bottom - top - picture.height) // 2),
        )
        return
    colours = list(item.colours.all())
    fill = _hex_rgb(colours[0].hex if colours else _NO_COLOUR)
    draw.rounded_rectangle(box, radius=_RADIUS, fill=fill, outline=_TILE_EDGE, width=2)
    size = max(12, int(min(right - left, bottom - top) * 0.45))
    font = ImageFont.load_default(size=size)
    centre = ((left + right) / 2, (top + bottom) / 2)
    if isinstance(font, ImageFont.FreeTypeFont):
        draw.text(centre, _initial(item.name), font=font, fill=_ink_for(fill), anchor="mm")
    else:  # pragma: no cover - Pillow built without FreeType: the small bitmap font has no anchors
        draw.text((left + _TILE_PADDING, top + _TILE_PADDING), _initial(item.name), font=font, fill=_ink_for(fill))


def collage_draw(sources: Sequence[tuple[Item, ItemPhoto | None]]) -> bytes:
    """A square WebP picture of the garments in a neat grid on a light background: each garment's photo
    thumbnail, or a tile in its first colour with its initial. A short last row is centred."""
    canvas = Image.new("RGB", (COLLAGE_SIZE, COLLAGE_SIZE), COLLAGE_BACKGROUND)
    if sources:
        columns, rows = _grid(len(sources))
        cell_width = (COLLAGE_SIZE - 2 * _MARGIN - (columns - 1) * _GAP) // columns
        cell_height = (COLLAGE_SIZE - 2 * _MARGIN - (rows - 1) * _GAP) // rows
        grid_height = rows * cell_height + (rows - 1) * _GAP
        top_offset = (COLLAGE_SIZE - grid_height) // 2
        for index, (item, photo) in enumerate(sources):
            row, column = divmod(index, columns)
            in_this_row = min(columns, len(sources) - row * columns)
            row_width = in_this_row * cell_width + (in_this_row - 1) * _GAP
            left = (COLLAGE_SIZE - row_width) // 2 + column * (cell_width + _GAP)
            top = top_offset + row * (cell_height + _GAP)
            _draw_tile(canvas, (left, top, left + cell_width, top + cell_height), item, photo)
    buffer = io.BytesIO()
    canvas.save(buffer, format="WEBP", quality=85, method=4)
    return buffer.getvalue()
