"""Connected stores (issue 8): the stores staff register, each person's connections to them under a pseudonym,
the purchases stores send, and the deletion notices we send back.

A store's sign-in side is allauth's OpenID Connect ``Client`` (one per store); ``Store`` adds what the product
needs around it: the public face shown on the consent screen, the webhook for notices and the fields it may ask
for. The fields are the OIDC scopes (``stores.fields``).
"""

from __future__ import annotations

import uuid

from allauth.idp.oidc.models import Client
from django.conf import settings
from django.db import models
from django.db.models import Q

from privacy.registry import DataCategory, Erasure, Export, Retention, personal_data


class Store(models.Model):
    """A shop registered by staff. Its OIDC client holds the redirect URIs, the allowed scopes and the hashed
    secret; the webhook signing key is derived from the server's key and never stored (``stores.webhooks``)."""

    client = models.OneToOneField(Client, on_delete=models.PROTECT, related_name="store")
    name = models.CharField(max_length=100)
    logo_url = models.URLField(blank=True, help_text="A public https address of the store's logo (square, 128 px).")
    website = models.URLField()
    privacy_policy_url = models.URLField(help_text="Linked from the consent screen: people read it before agreeing.")
    webhook_url = models.URLField(blank=True, help_text="Where deletion notices are POSTed (RGT-7).")
    # Bumped when staff rotate the store's secrets: the webhook key derived from it changes too.
    secret_version = models.PositiveIntegerField(default=1)
    is_active = models.BooleanField(default=True, help_text="An inactive store cannot connect anyone new.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name

    @property
    def consent_purpose(self) -> str:
        return f"store:{self.pk}"


@personal_data(
    category=DataCategory.STORE,
    owner="user",
    retention=Retention.days_after(730, after="revoked_at", setting="RETENTION_STORE_CONNECTION_DAYS"),
    export=Export.rows(),
    erasure=Erasure.delete(),
    description="The stores you connected: which fields each receives, the pseudonym it knows you by, when you "
    "connected and when you revoked. A revoked connection is kept 24 months as proof of what you agreed to.",
)
class StoreConnection(models.Model):
    """One period during which a person was connected to a store (STO-1, STO-2, STO-4).

    ``generation`` counts the person's connections to that store; the pseudonym ``sub`` is derived from the store,
    the person and the generation, so a connection made after a revocation looks like a brand-new shopper.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="connections")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="store_connections")
    generation = models.PositiveIntegerField()
    sub = models.CharField(max_length=64, help_text="The pseudonym this store knows the person by.")
    fields = models.JSONField(default=list, help_text="The fields (scopes) the person agreed to share.")
    auto_accept_purchases = models.BooleanField(
        default=False, help_text="Purchases go straight into the closet instead of the inbox."
    )
    connected_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-connected_at",)
        constraints = [
            models.UniqueConstraint(fields=("store", "sub"), name="store_connection_sub_unique"),
            models.UniqueConstraint(fields=("store", "user", "generation"), name="store_connection_generation_unique"),
            models.UniqueConstraint(
                fields=("store", "user"), condition=Q(revoked_at__isnull=True), name="store_connection_one_active"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.store} connection #{self.generation}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class PurchaseStatus(models.TextChoices):
    INBOX = "inbox", "In the inbox"
    ACCEPTED = "accepted", "Added to the closet"
    DISMISSED = "dismissed", "Dismissed"


@personal_data(
    category=DataCategory.STORE,
    owner="owner",
    retention=Retention.account_lifetime(),
    export=Export.rows(),
    erasure=Erasure.delete(),
    description="Purchases a connected store sent: product, brand, size, colour, price, order and line ids.",
)
class StorePurchase(models.Model):
    """One order line a store pushed (STO-6). Unique per connection, order and line: a second push is a no-op.

    Per connection, not per person: after a revocation the store meets a brand-new shopper (STO-4), so a line it
    sends again under the new pseudonym is a new purchase; answering "already have it" would link the two."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="store_purchases")
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="purchases")
    connection = models.ForeignKey(StoreConnection, on_delete=models.SET_NULL, null=True, related_name="purchases")
    order_id = models.CharField(max_length=100)
    line_id = models.CharField(max_length=100)
    product_name = models.CharField(max_length=200)
    brand = models.CharField(max_length=100, blank=True)
    category = models.CharField(max_length=100, blank=True)
    colour = models.CharField(max_length=50, blank=True)
    size = models.CharField(max_length=30, blank=True)
    price = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    purchased_on = models.DateField(null=True, blank=True)
    item = models.ForeignKey(
        "closet.Item", on_delete=models.SET_NULL, null=True, blank=True, related_name="store_purchases"
    )
    status = models.CharField(max_length=10, choices=PurchaseStatus.choices, default=PurchaseStatus.INBOX)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-received_at",)
        constraints = [
            models.UniqueConstraint(fields=("connection", "order_id", "line_id"), name="store_purchase_once"),
        ]
        indexes = [models.Index(fields=("owner", "status", "-received_at"))]

    def __str__(self) -> str:
        return f"{self.product_name} from {self.store}"


class NoticeReason(models.TextChoices):
    REVOKED = "revoked", "The person revoked the connection"
    ERASED = "erased", "The person's account was erased"


class NoticeStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERED = "delivered", "Delivered (acknowledged)"
    FAILED = "failed", "Undelivered (gave up)"


@personal_data(
    category=DataCategory.STORE,
    owner="user",
    retention=Retention.days_after(730, after="created_at", setting="RETENTION_STORE_CONNECTION_DAYS"),
    export=Export.rows(),
    erasure=Erasure.anonymise("user"),
    description="The deletion notices we sent stores you connected (the pseudonym, why, and each delivery "
    "attempt). Kept without your account after erasure, as proof that every store was told to delete.",
)
class StoreNotice(models.Model):
    """A signed webhook telling a store to delete what it holds for a pseudonym (RGT-7). Jobs are rows: the task
    only advances it; every attempt is a ``StoreNoticeAttempt``."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="notices")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="store_notices"
    )
    sub = models.CharField(max_length=64)
    reason = models.CharField(max_length=10, choices=NoticeReason.choices)
    status = models.CharField(max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        indexes = [models.Index(fields=("status", "next_attempt_at"))]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} notice to {self.store}"


class StoreNoticeAttempt(models.Model):
    """One delivery attempt of a notice: when, the HTTP status (or the error) and how long it took."""

    notice = models.ForeignKey(StoreNotice, on_delete=models.CASCADE, related_name="attempt_log")
    attempted_at = models.DateTimeField(auto_now_add=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("-attempted_at",)

    def __str__(self) -> str:
        return f"attempt at {self.attempted_at:%Y-%m-%d %H:%M:%S}: {self.status_code or self.error}"
