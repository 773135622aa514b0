"""Photos of items, and fast digitising (one draft item per photo, then a quick review).

An upload is split in two ("jobs are rows"):

* the request only *validates* (:func:`core.images.image_validate`: byte size, real type, pixel count, a cut-off
  file; no decoding), keeps the upload privately on an ``ItemPhoto`` row with status PROCESSING and enqueues
  ``closet.tasks.photos.item_photo_process`` once that row is committed;
* the task calls :func:`item_photo_process`, which decodes, turns the picture upright, strips every piece of
  metadata, re-encodes it, makes the thumbnail, finds the dominant colours, marks the row READY and deletes the
  raw upload. A picture that fails is marked FAILED with a sentence for people, and its raw upload is deleted.

Promises: CLO-1 (files are private and reached only through signed, expiring links: see core.storage), CLO-2
(nothing here detects faces or analyses a picture beyond core.images; the stored picture carries no metadata),
CLO-4 (deleting a photo or an item removes its files once the deletion commits).
"""

from __future__ import annotations

import io
import logging
import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from PIL import Image

from closet.list_cache import closet_list_invalidate
from closet.models import Category, Item, ItemPhoto, ItemStatus, PhotoStatus
from closet.selectors.photos import palette_nearest
from closet.services.items import closet_item_create, closet_item_update
from closet.services.outfits import outfit_collages_refresh
from closet.tasks import photos as photo_tasks
from core.images import (
    ImageRejected,
    image_dominant_colours,
    image_process,
    image_thumbnail,
    image_validate,
    upload_as_file,
)
from core.storage import private_files_delete_on_commit

logger = logging.getLogger(__name__)

# The stored picture: big enough for any screen, small enough to load fast. The thumbnail is for cards and grids.
ORIGINAL_MAX_SIDE = 2560
ORIGINAL_QUALITY = 85
THUMBNAIL_MAX_SIDE = 480
THUMBNAIL_QUALITY = 80
DOMINANT_COLOURS = 3
# The dominant colours are read from the middle of the picture, where the garment usually is (the edges are
# mostly background); the item's colours are suggested from the two most common of them.
COLOUR_SAMPLE_CENTRE = 0.6
SUGGESTED_COLOURS = 2

# Fast digitising: what a draft made from a photo starts as. The review grid lets the user change both.
DRAFT_NAME = "New item"
DRAFT_CATEGORY = "tops"
BULK_MAX_FILES = 30

_LOST_UPLOAD = "The uploaded file was lost before we could process it. Please delete this photo and upload it again."
_UNEXPECTED = "Something went wrong while processing this photo. Please delete it and upload it again."
# Processing takes about a second, and a message lost with the broker is sent again every quarter of an hour: a
# photo still waiting after a day is given up on (item_photos_processing_resume), whatever the outage was.
PROCESSING_GIVE_UP_AFTER = timedelta(days=1)


# --- one photo ------------------------------------------------------------------------------------------------------


@transaction.atomic
def item_photo_add(*, item: Item, upload: Any) -> ItemPhoto:
    """Accept a photo of ``item``: validate it in the request, keep it privately, process it in the background.

    Validation reads the header and the file's structure only (size, real type by content, pixel count, a cut-off
    file), so a decompression bomb is refused without being decoded. Raises :class:`ImageRejected` (with
    ``code`` and a kind ``message``) and then stores nothing: no row, no file. The first photo of an item
    becomes its primary photo.
    """
    validated = image_validate(upload)
    _item_lock(item.pk)
    photo = ItemPhoto(owner=item.owner, item=item, status=PhotoStatus.PROCESSING)
    # The stored name is random (PrivateUploadTo); only the extension of the format we detected is kept.
    photo.upload.save(f"upload{validated.extension}", upload_as_file(upload), save=False)
    try:
        photo.save(force_insert=True)
        _primary_ensure(item_id=item.pk)
    except BaseException:
        default_storage.delete(photo.upload.name)
        raise
    photo_id = str(photo.pk)
    # robust: a broker that is down must not turn a saved upload into an error page; the sweep enqueues it again.
    transaction.on_commit(lambda: photo_tasks.item_photo_process.delay(photo_id), robust=True)
    photo.refresh_from_db(fields=["is_primary"])
    return photo


def item_photo_process(*, photo_id: Any) -> None:
    """Process an uploaded photo (the background half of an upload): decode, apply the EXIF orientation, strip
    every piece of metadata, re-encode (at most ``ORIGINAL_MAX_SIDE`` pixels), make the WebP thumbnail, find the
    dominant colours, and mark the photo READY; then delete the raw upload. If the item has no colours yet, the
    nearest palette colours are suggested (the user can change them).

    A picture that cannot be processed becomes FAILED with a sentence for people, and its raw upload is deleted.
    Idempotent: a photo that is READY or FAILED, or no longer exists, is left alone, so a redelivered task does
    nothing. CLO-2: no face detection, no analysis beyond core.images.
    """
    photo = _photo_to_process(photo_id)
    if photo is None:
        return
    upload_name = photo.upload.name
    if not upload_name:
        _photo_fail(photo=photo, message=_LOST_UPLOAD)
        return
    try:
        with default_storage.open(upload_name, "rb") as handle:
            processed = image_process(
                handle, max_side=ORIGINAL_MAX_SIDE, output_format="JPEG", quality=ORIGINAL_QUALITY
            )
    except ImageRejected as exc:
        _photo_fail(photo=photo, message=exc.message)
        return
    except FileNotFoundError:
        _photo_fail(photo=photo, message=_LOST_UPLOAD)
        return
    try:
        thumbnail = image_thumbnail(
            processed, max_side=THUMBNAIL_MAX_SIDE, output_format="WEBP", quality=THUMBNAIL_QUALITY
        )
        dominant = image_dominant_colours(_centre(thumbnail.content), count=DOMINANT_COLOURS)
    except Exception:  # our own output failed to re-open: a bug, not the user's picture
        logger.exception("Processing photo %s failed after decoding", photo.pk)
        _photo_fail(photo=photo, message=_UNEXPECTED)
        return

    photo.original.save(f"photo{processed.extension}", ContentFile(processed.content), save=False)
    photo.thumbnail.save(f"thumbnail{thumbnail.extension}", ContentFile(thumbnail.content), save=False)
    new_files = (photo.original.name, photo.thumbnail.name)
    try:
        finished = _photo_finish(
            photo=photo, upload_name=upload_name, width=processed.width, height=processed.height, dominant=dominant
        )
    except BaseException:
        _files_delete_now(*new_files)
        raise
    if not finished:
        # Deleted, or finished by another run of the task, while we worked: these files belong to no row.
        _files_delete_now(*new_files)


@transaction.atomic
def item_photo_make_primary(*, photo: ItemPhoto) -> ItemPhoto:
    """Make ``photo`` the one its item shows first. Only a processed (READY) photo can be."""
    if photo.status != PhotoStatus.READY:
        raise ValidationError({"photo": "Only a photo that has finished processing can be the main photo."})
    _item_lock(photo.item_id)
    # Unset the old primary before setting the new one: the database allows one primary per item at any time.
    ItemPhoto.objects.filter(item_id=photo.item_id, is_primary=True).exclude(pk=photo.pk).update(is_primary=False)
    ItemPhoto.objects.filter(pk=photo.pk).update(is_primary=True)
    closet_list_invalidate(owner_id=photo.owner_id)  # update() sends no signal
    photo.is_primary = True
    outfit_collages_refresh(item_id=photo.item_id)
    return photo


@transaction.atomic
def item_photo_delete(*, photo: ItemPhoto) -> None:
    """Delete a photo and, once the deletion commits, its files: upload, picture and thumbnail (CLO-4).

    Deleting the primary photo makes the next one (the oldest processed one) primary.
    """
    _item_lock(photo.item_id)
    names = (photo.upload.name, photo.original.name, photo.thumbnail.name)
    item_id = photo.item_id
    photo.delete()
    private_files_delete_on_commit(*names)
    _primary_ensure(item_id=item_id)
    outfit_collages_refresh(item_id=item_id)


def item_photos_processing_resume(
    *, older_than: timedelta = timedelta(minutes=10), give_up_after: timedelta = PROCESSING_GIVE_UP_AFTER
) -> int:
    """Enqueue processing again for photos still PROCESSING after ``older_than`` (a message lost while the broker
    was down). Safe to run at any time: processing is idempotent. Returns how many were enqueued.

    A photo still not processed after ``give_up_after`` (one that crashes or kills the worker every time) is
    FAILED instead: its raw upload, which still carries its metadata, is deleted rather than kept and retried
    forever.
    """
    now = timezone.now()
    processing = ItemPhoto.objects.filter(status=PhotoStatus.PROCESSING)
    for photo in processing.filter(created_at__lt=now - give_up_after).iterator():
        _photo_fail(photo=photo, message=_UNEXPECTED)
    stuck = processing.filter(created_at__lt=now - older_than).values_list("pk", flat=True)
    count = 0
    for photo_id in stuck.iterator():
        photo_tasks.item_photo_process.delay(str(photo_id))
        count += 1
    return count


# --- fast digitising: one draft item per photo --------------------------------------------------------------------


@dataclass(frozen=True)
class DraftCreated:
    file_name: str
    item: Item
    photo: ItemPhoto


@dataclass(frozen=True)
class DraftRejected:
    file_name: str
    code: str
    message: str


@dataclass
class DraftBatch:
    created: list[DraftCreated] = field(default_factory=list)
    rejected: list[DraftRejected] = field(default_factory=list)


@transaction.atomic
def item_drafts_create(*, owner, uploads: Sequence[Any]) -> DraftBatch:
    """One DRAFT item per photo (named "New item", filed under Tops until reviewed), each with its photo.

    Each photo stands alone: one that is refused is reported with its file name and reason, and the others are
    kept. Raises ValidationError when no photo or more than ``BULK_MAX_FILES`` photos are sent.
    """
    if not uploads:
        raise ValidationError("Choose at least one photo.", code="required")
    if len(uploads) > BULK_MAX_FILES:
        raise ValidationError(
            f"You sent {len(uploads)} photos; up to {BULK_MAX_FILES} at a time, please.", code="too_many_files"
        )
    # Staff may have renamed the built-in "tops"; any main category will do as a placeholder until the review.
    placeholder = (
        Category.objects.filter(slug=DRAFT_CATEGORY).first() or Category.objects.filter(parent__isnull=True).first()
    )
    if placeholder is None:
        raise ValidationError("There are no categories to file new items under yet.", code="no_category")
    batch = DraftBatch()
    for upload in uploads:
        file_name = _file_name(upload)
        try:
            with transaction.atomic():  # per photo: a refused photo leaves no draft behind
                item = closet_item_create(owner=owner, name=DRAFT_NAME, category=placeholder, status=ItemStatus.DRAFT)
                photo = item_photo_add(item=item, upload=upload)
        except ImageRejected as exc:
            batch.rejected.append(DraftRejected(file_name=file_name, code=exc.code, message=exc.message))
            continue
        batch.created.append(DraftCreated(file_name=file_name, item=item, photo=photo))
    return batch


@transaction.atomic
def item_draft_publish(*, item: Item, **changes: Any) -> Item:
    """Put a reviewed draft into the closet: apply the reviewed fields and make it ACTIVE.

    Takes the same changes as ``closet_item_update``; raises its ValidationError for bad combinations.
    """
    changes.pop("status", None)
    return closet_item_update(item=item, status=ItemStatus.ACTIVE, **changes)


# --- helpers --------------------------------------------------------------------------------------------------------


def _photo_to_process(photo_id: Any) -> ItemPhoto | None:
    """The photo, if it exists and still waits for processing; None otherwise (including a malformed id)."""
    try:
        pk = uuid.UUID(str(photo_id))
    except ValueError:
        return None
    return ItemPhoto.objects.filter(pk=pk, status=PhotoStatus.PROCESSING).first()


@transaction.atomic
def _photo_finish(*, photo: ItemPhoto, upload_name: str, width: int, height: int, dominant: list[str]) -> bool:
    """Record the processed files on the row, if it still waits for them; delete the raw upload after commit."""
    item = _item_lock(photo.item_id)  # first: the primary photo and the colours are decided under the item's lock
    updated = ItemPhoto.objects.filter(pk=photo.pk, status=PhotoStatus.PROCESSING, upload=upload_name).update(
        original=photo.original.name,
        thumbnail=photo.thumbnail.name,
        width=width,
        height=height,
        dominant_colours=dominant,
        status=PhotoStatus.READY,
        error="",
        upload="",
        processed_at=timezone.now(),
    )
    if not updated:
        return False
    closet_list_invalidate(owner_id=photo.owner_id)  # update() sends no signal
    private_files_delete_on_commit(upload_name)
    _primary_ensure(item_id=photo.item_id)
    if item is not None and not item.colours.exists():
        item.colours.set(palette_nearest(hexes=dominant[:SUGGESTED_COLOURS]))
    outfit_collages_refresh(item_id=photo.item_id)
    return True


@transaction.atomic
def _photo_fail(*, photo: ItemPhoto, message: str) -> None:
    """FAILED, with a sentence for people; the raw upload goes once this commits."""
    _item_lock(photo.item_id)  # _primary_ensure may pick another primary
    updated = ItemPhoto.objects.filter(pk=photo.pk, status=PhotoStatus.PROCESSING).update(
        status=PhotoStatus.FAILED, error=message[:300], upload="", processed_at=timezone.now()
    )
    if updated:
        closet_list_invalidate(owner_id=photo.owner_id)  # update() sends no signal
        private_files_delete_on_commit(photo.upload.name)
        _primary_ensure(item_id=photo.item_id)


def _primary_ensure(*, item_id: Any) -> None:
    """Keep one usable primary photo per item: when there is none, or it failed, the oldest READY photo (else the
    oldest one still processing) takes over. Callers hold the item's lock."""
    photos = list(ItemPhoto.objects.filter(item_id=item_id).order_by("created_at", "pk"))
    current = next((photo for photo in photos if photo.is_primary), None)
    if current is not None and current.status != PhotoStatus.FAILED:
        return
    usable = [photo for photo in photos if photo.status != PhotoStatus.FAILED]
    best = next((photo for photo in usable if photo.status == PhotoStatus.READY), None) or next(iter(usable), None)
    if best is None:
        return
    if current is not None:
        ItemPhoto.objects.filter(pk=current.pk).update(is_primary=False)
    ItemPhoto.objects.filter(pk=best.pk).update(is_primary=True)


def _item_lock(item_id: Any) -> Item | None:
    """Lock the item's row (PostgreSQL) so concurrent uploads and deletions agree on the primary photo."""
    return Item.objects.select_for_update().filter(pk=item_id).first()


def _centre(content: bytes) -> bytes:
    """The middle of a picture (where the garment usually is), as PNG bytes for image_dominant_colours."""
    with Image.open(io.BytesIO(content)) as img:
        img.load()
        width, height = img.size
        margin_x = round(width * (1 - COLOUR_SAMPLE_CENTRE) / 2)
        margin_y = round(height * (1 - COLOUR_SAMPLE_CENTRE) / 2)
        centre = img.crop((margin_x, margin_y, width - margin_x, height - margin_y))
    buffer = io.BytesIO()
    centre.save(buffer, format="PNG")
    return buffer.getvalue()


def _file_name(upload: Any) -> str:
    """The name the user's device gave the file, for messages only (it is never stored)."""
    return os.path.basename(str(getattr(upload, "name", "") or ""))[:200] or "photo"


def _files_delete_now(*names: str) -> None:
    for name in names:
        if name:
            default_storage.delete(name)
