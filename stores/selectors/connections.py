"""Reads about connections: the person's own (Settings), and the ones a store may reach (the store API)."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from stores.models import Store, StoreConnection


def store_connections_of(*, user) -> QuerySet[StoreConnection]:
    """The person's connections, newest first, with the store and the number of purchases each sent."""
    return (
        StoreConnection.objects.filter(user=user)
        .select_related("store")
        .annotate(purchase_count=Count("purchases"))
        .order_by("revoked_at", "-connected_at")
    )


def store_connection_active(*, store: Store, user) -> StoreConnection | None:
    return StoreConnection.objects.filter(store=store, user=user, revoked_at__isnull=True).first()


def store_connection_by_sub(*, store: Store, sub: str) -> StoreConnection | None:
    """The live connection a store knows by ``sub``; None for a pseudonym of another store, a revoked connection
    or a closed account, so a store reaches only the people connected to it now (STO-3)."""
    if not isinstance(sub, str) or len(sub) > 64:
        return None
    return (
        StoreConnection.objects.select_related("store", "user")
        .filter(store=store, sub=sub, revoked_at__isnull=True, user__is_active=True)
        .first()
    )
