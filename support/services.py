"""Writing to support and answering (promise SUP-1).

Attachments are checked and prepared *before* anything is written, so a refused file leaves nothing behind: no
thread, no message, no stored file. Pictures go through core.images (real type from the content, size and pixel
limits, then decoded, turned upright and re-encoded with no metadata at all: no EXIF, no GPS); PDF files are
recognised by their ``%PDF-`` signature and stored as they are. Files live in private storage and are reached
only through signed, expiring links (core.storage). Deleting any row deletes its files (support/signals.py).

A staff answer e-mails the person that there is a reply, with a link to the conversation but not the reply itself:
an e-mail leaves our hands (it sits in mailboxes and at mail providers for years), while the conversation in the
app is behind sign-in, is exported and erased with the account and is deleted after six months (RET-3).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from core.images import ImageRejected, human_bytes, image_process, image_validate, read_limited
from support.models import SupportAttachment, SupportMessage, SupportThread, ThreadStatus

logger = logging.getLogger(__name__)

MAX_ATTACHMENTS = 3
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
SUBJECT_MAX_LENGTH = 200
BODY_MAX_LENGTH = 10_000
# Big enough to read any screenshot, small enough to load fast. Screenshots are mostly text, so a high quality.
IMAGE_MAX_SIDE = 2560
IMAGE_QUALITY = 90
PDF_SIGNATURE = b"%PDF-"
ACCEPTED_HUMAN = "pictures (JPEG, PNG, WebP or HEIC) and PDF files"


@dataclass(frozen=True)
class PreparedAttachment:
    """An attachment that passed every check, as the bytes that will be stored."""

    content: bytes = field(repr=False)
    content_type: str
    extension: str


def _upload_name(upload: Any, position: int) -> str:
    """How to name an upload in an error message: its own name (never stored), or its position."""
    name = getattr(upload, "name", "") or ""
    return name.rsplit("/", 1)[-1][:80] or f"Attachment {position}"


def _prepare_one(upload: Any, *, name: str) -> PreparedAttachment:
    """Check one upload and return what will be stored; raises ValidationError with a sentence for people."""
    too_large = ValidationError(
        f"{name}: the file is larger than the {human_bytes(ATTACHMENT_MAX_BYTES)} limit. Please attach a smaller one.",
        code="too_large",
    )
    try:
        # Read once, never more than the limit: the size Django measured refuses a big file without reading it.
        data = read_limited(upload, ATTACHMENT_MAX_BYTES)
    except ImageRejected as exc:
        raise too_large from exc
    if data.startswith(PDF_SIGNATURE):
        return PreparedAttachment(content=data, content_type="application/pdf", extension=".pdf")
    try:
        # Cheap checks first (type, size, pixel count, a cut-off file, nothing decoded), then the full pipeline.
        image_validate(data)
        processed = image_process(data, max_side=IMAGE_MAX_SIDE, output_format="JPEG", quality=IMAGE_QUALITY)
    except ImageRejected as exc:
        if exc.code == "not_an_image" or exc.code == "unsupported_type":
            raise ValidationError(
                f"{name}: we can't accept this kind of file. Please attach {ACCEPTED_HUMAN}.", code=exc.code
            ) from exc
        if exc.code == "too_large":
            raise too_large from exc
        raise ValidationError(f"{name}: {exc.message}", code=exc.code) from exc
    return PreparedAttachment(content=processed.content, content_type=processed.content_type, extension=".jpg")


def support_attachments_prepare(uploads: Sequence[Any]) -> list[PreparedAttachment]:
    """Check every upload (at most ``MAX_ATTACHMENTS``) and prepare what will be stored. Nothing is stored here.

    Raises ValidationError ``{"attachments": [...]}`` naming every file that is refused and why.
    """
    uploads = [upload for upload in uploads if upload]
    if len(uploads) > MAX_ATTACHMENTS:
        raise ValidationError({"attachments": [f"Up to {MAX_ATTACHMENTS} attachments per message, please."]})
    prepared: list[PreparedAttachment] = []
    errors: list[ValidationError] = []
    for position, upload in enumerate(uploads, start=1):
        try:
            prepared.append(_prepare_one(upload, name=_upload_name(upload, position)))
        except ValidationError as exc:
            errors.append(exc)
    if errors:
        raise ValidationError({"attachments": errors})
    return prepared


def _text_clean(value: str, *, field_name: str, label: str, max_length: int) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field_name: f"Please write {label}."})
    if len(value) > max_length:
        raise ValidationError({field_name: f"Please keep {label} under {max_length:,} characters."})
    return value


def _message_write(
    *, thread: SupportThread, author, body: str, from_staff: bool, prepared: list[PreparedAttachment]
) -> SupportMessage:
    """Write one message and its attachment files. Files saved before a failure are removed at once."""
    now = timezone.now()
    message = SupportMessage.objects.create(
        thread=thread, author=author, from_staff=from_staff, body=body, created_at=now
    )
    saved: list[str] = []
    try:
        for item in prepared:
            attachment = SupportAttachment(
                message=message, content_type=item.content_type, size=len(item.content), created_at=now
            )
            # PrivateUploadTo gives the file a random name; only our own extension is kept.
            attachment.file.save(f"attachment{item.extension}", ContentFile(item.content), save=False)
            saved.append(attachment.file.name)
            attachment.save(force_insert=True)
    except BaseException:
        for name in saved:
            default_storage.delete(name)
        raise
    return message


@transaction.atomic
def support_thread_create(*, owner, subject: str, body: str, attachments: Sequence[Any] = ()) -> SupportThread:
    """Start a conversation with support: its first message and up to three attachments (SUP-1).

    Raises ValidationError (``subject``, ``body`` or ``attachments``) and then stores nothing at all.
    """
    subject = _text_clean(subject, field_name="subject", label="a subject", max_length=SUBJECT_MAX_LENGTH)
    body = _text_clean(body, field_name="body", label="your message", max_length=BODY_MAX_LENGTH)
    prepared = support_attachments_prepare(attachments)
    now = timezone.now()
    thread = SupportThread.objects.create(
        owner=owner, subject=subject, status=ThreadStatus.OPEN, created_at=now, last_message_at=now
    )
    _message_write(thread=thread, author=owner, body=body, from_staff=False, prepared=prepared)
    return thread


@transaction.atomic
def support_message_add(
    *, thread: SupportThread, author, body: str, attachments: Sequence[Any] = (), from_staff: bool = False
) -> SupportMessage:
    """Add a message to a conversation: the owner's reply reopens it; a staff answer marks it answered and
    e-mails the owner once this commits (in the background, so a slow mail server never blocks the admin).

    Only the thread's owner writes as the user, and only staff write as support: anything else is a programming
    error (ValueError), since views reach threads only through the owner-scoped selector.
    Raises ValidationError (``body`` or ``attachments``) and then stores nothing.
    """
    if from_staff and not (author is not None and author.is_staff):
        raise ValueError("Only staff answer as support.")
    if not from_staff and (author is None or author.pk != thread.owner_id):
        raise ValueError("Only the person who started a conversation writes in it as the user.")
    body = _text_clean(body, field_name="body", label="your message", max_length=BODY_MAX_LENGTH)
    prepared = support_attachments_prepare(attachments)
    # Lock the conversation: two messages at once must leave it in the state of the later one.
    locked = SupportThread.objects.select_for_update().get(pk=thread.pk)
    message = _message_write(thread=locked, author=author, body=body, from_staff=from_staff, prepared=prepared)
    locked.status = ThreadStatus.ANSWERED if from_staff else ThreadStatus.OPEN
    locked.last_message_at = message.created_at
    locked.save(update_fields=["status", "last_message_at", "updated_at"])
    thread.status, thread.last_message_at, thread.updated_at = locked.status, locked.last_message_at, locked.updated_at
    if from_staff:
        message_id = str(message.pk)
        # robust: a broker that is down must not undo an answer staff have written; the log says what was lost.
        transaction.on_commit(lambda: _reply_notify_enqueue(message_id), robust=True)
    return message


def _reply_notify_enqueue(message_id: str) -> None:
    from support.tasks import support_reply_notify

    support_reply_notify.delay(message_id)


@transaction.atomic
def support_thread_status_set(*, thread: SupportThread, status: str) -> SupportThread:
    """Staff close a conversation (or reopen it). The person can still write; writing reopens it."""
    if status not in ThreadStatus.values:
        raise ValidationError({"status": f"Unknown status: {status!r}."})
    SupportThread.objects.filter(pk=thread.pk).update(status=status, updated_at=timezone.now())
    thread.refresh_from_db()
    return thread


def support_reply_notify(*, message_id: Any) -> bool:
    """E-mail a conversation's owner that support has answered, with a link to it (not the answer itself: see
    the module docstring). Sent whatever the e-mail preferences, like the answer to any request the person made.

    Idempotent: a message already e-mailed about, deleted, or not from staff sends nothing. Returns whether an
    e-mail was sent.
    """
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.urls import reverse

    with transaction.atomic():
        message = (
            SupportMessage.objects.select_for_update(of=("self",))
            .select_related("thread__owner")
            .filter(pk=message_id, from_staff=True, emailed_at__isnull=True)
            .first()
        )
        if message is None:
            return False
        owner = message.thread.owner
        if not owner.email or not owner.is_active:
            return False
        url = settings.SITE_URL + reverse("support:thread", kwargs={"pk": message.thread_id})
        body = render_to_string("support/email/reply.txt", {"owner": owner, "thread": message.thread, "url": url})
        subject = f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}Support has answered your message"
        send_mail(subject, body, None, [owner.email])
        message.emailed_at = timezone.now()
        message.save(update_fields=["emailed_at"])
    return True
