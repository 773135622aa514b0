"""Reads about purchases stores pushed: the person's own (the inbox, Settings, their API), and the ones a store
may see (only what that store itself sent for one of its live connections)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from closet.models import ItemPhoto, ItemStatus, PhotoStatus
from stores.models import PurchaseStatus, StoreConnection, StorePurchase


def store_purchases_of(*, user) -> QuerySet[StorePurchase]:
    """Every purchase stores sent the person, whatever its status, newest first, with its store, its item and the
    item's ready primary photo (``item.primary_photos``, a list of at most one)."""
    primary = ItemPhoto.objects.filter(is_primary=True, status=PhotoStatus.READY)
    return (
        StorePurchase.objects.filter(owner=user)
        .select_related("store", "item")
        .prefetch_related(Prefetch("item__photos", queryset=primary, to_attr="primary_photos"))
        .order_by("-received_at", "pk")
    )


def store_purchase_inbox(*, user) -> QuerySet[StorePurchase]:
    """The purchases waiting for the person's one-tap Accept or Dismiss: still in the inbox and their draft item
    still a draft. A draft the person already published or deleted in the closet is no longer waiting."""
    return store_purchases_of(user=user).filter(
        status=PurchaseStatus.INBOX, item__isnull=False, item__status=ItemStatus.DRAFT
    )


def store_purchases_sent(*, connection: StoreConnection) -> QuerySet[StorePurchase]:
    """What a store pushed under one of its connections, newest first. Only this connection's: a connection made
    after a revocation is a brand-new shopper to the store (STO-4), so it never sees what it sent under the old
    pseudonym."""
    return StorePurchase.objects.filter(connection=connection, store_id=connection.store_id).order_by(
        "-received_at", "pk"
    )
