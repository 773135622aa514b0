"""Support conversations (promise SUP-1): a person writes to us from the app, staff answer from the admin.

Everything here is kept for ``RETENTION_SUPPORT_DAYS`` (six months by default, promise RET-3) and removed by the
retention sweep; an attachment's file goes with its row (support/signals.py), however the row is deleted.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.storage import PrivateUploadTo
from privacy.registry import DataCategory, Erasure, Export, Retention, personal_data

SUPPORT_RETENTION = Retention.days_after(182, after="created_at", setting="RETENTION_SUPPORT_DAYS")


class ThreadStatus(models.TextChoices):
    OPEN = "open", "Waiting for us"
    ANSWERED = "answered", "Answered"
    CLOSED = "closed", "Closed"


@personal_data(
    category=DataCategory.SUPPORT,
    owner="owner",
    # A conversation goes six months after its last message, not its first: an active one is not cut short.
    retention=Retention.days_after(182, after="last_message_at", setting="RETENTION_SUPPORT_DAYS"),
    export=Export.rows(),
    erasure=Erasure.delete(),
    description="Your conversations with support: their subject and whether they are answered.",
)
class SupportThread(models.Model):
    """One conversation between a person and support."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="support_threads")
    subject = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=ThreadStatus.choices, default=ThreadStatus.OPEN)
    # Not auto_now_add: the retention sweep's tests (and imports) need to set dates in the past.
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    last_message_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-last_message_at",)
        indexes = [
            models.Index(fields=("owner", "-last_message_at")),
            models.Index(fields=("last_message_at",)),  # the retention sweep
            models.Index(fields=("status", "-last_message_at")),  # the staff queue
        ]

    def __str__(self) -> str:
        return self.subject


@personal_data(
    category=DataCategory.SUPPORT,
    owner="thread__owner",
    retention=SUPPORT_RETENTION,
    # Which staff member answered is our internal information; ``from_staff`` says who wrote each message.
    export=Export.rows(exclude=("author",)),
    erasure=Erasure.delete(),
    description="The messages you sent to support and the answers you received.",
)
class SupportMessage(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    thread = models.ForeignKey(SupportThread, on_delete=models.CASCADE, related_name="messages")
    # The person or the staff member who wrote it; kept (as empty) when that account goes.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_staff = models.BooleanField(default=False)
    body = models.TextField(max_length=10_000)
    created_at = models.DateTimeField(default=timezone.now)
    # When the owner was e-mailed about this (staff) message: a redelivered task does not e-mail twice.
    emailed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ("created_at",)
        indexes = [
            models.Index(fields=("thread", "created_at")),
            models.Index(fields=("created_at",)),  # the retention sweep
        ]

    def __str__(self) -> str:
        return f"{'Support' if self.from_staff else 'Message'} of {self.created_at:%Y-%m-%d %H:%M}"


@personal_data(
    category=DataCategory.SUPPORT,
    owner="message__thread__owner",
    retention=SUPPORT_RETENTION,
    export=Export.rows(),
    erasure=Erasure.delete(),
    description="Pictures (with their metadata removed) and PDF files you attached to support messages.",
    files_deleted_by_signal=True,  # support/signals.py
)
class SupportAttachment(models.Model):
    """A picture or PDF attached to a message. The stored name is random; the user's file name is not kept,
    because file names often carry personal details ("passport-jane-doe.pdf") and nobody needs them here."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    message = models.ForeignKey(SupportMessage, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=PrivateUploadTo("support"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("created_at", "id")
        indexes = [models.Index(fields=("created_at",))]  # the retention sweep

    def __str__(self) -> str:
        return f"{self.kind_label} ({self.size} bytes)"

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def kind_label(self) -> str:
        return "Picture" if self.is_image else "PDF"
