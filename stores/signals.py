"""The closet page's cached parts know about the stores inbox: a purchase arriving, accepted or dismissed clears
the owner's closet-list cache (the strip's "anything waiting?" answer lives there, closet/list_cache.py)."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from closet.list_cache import closet_list_invalidate
from stores.models import StorePurchase


@receiver(post_save, sender=StorePurchase, dispatch_uid="stores_purchase_saved")
@receiver(post_delete, sender=StorePurchase, dispatch_uid="stores_purchase_deleted")
def store_purchase_changed(sender, instance, using, **kwargs) -> None:
    closet_list_invalidate(owner_id=instance.owner_id, using=using)
