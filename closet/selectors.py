"""Every read of closet data starts here, from the owner's own rows (DESIGN.md, idea 1)."""

from __future__ import annotations

from django.db.models import QuerySet

from closet.models import Item


def item_list(*, user) -> QuerySet[Item]:
    return Item.objects.filter(owner=user)
