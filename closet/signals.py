"""Receivers that drop the closet-list cache (closet/list_cache.py) on every write to what the list shows.

The services call ``closet_list_invalidate`` where they update rows in bulk (``QuerySet.update`` sends no
signal); these receivers catch every other write, including those that bypass the services (the admin, a
cascade when an item or an account is deleted, a shell). No business rule lives here.
"""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from closet.models import Category, Colour, Item, ItemPhoto, Tag, Wear


def _invalidate(owner_id, using) -> None:
    from closet.list_cache import closet_list_invalidate  # list_cache imports this module

    closet_list_invalidate(owner_id=owner_id, using=using)


@receiver(post_save, sender=Item, dispatch_uid="closet_list_item_saved")
@receiver(post_delete, sender=Item, dispatch_uid="closet_list_item_deleted")
@receiver(post_save, sender=ItemPhoto, dispatch_uid="closet_list_photo_saved")
@receiver(post_delete, sender=ItemPhoto, dispatch_uid="closet_list_photo_deleted")
@receiver(post_save, sender=Wear, dispatch_uid="closet_list_wear_saved")
@receiver(post_delete, sender=Wear, dispatch_uid="closet_list_wear_deleted")
@receiver(post_save, sender=Tag, dispatch_uid="closet_list_tag_saved")
@receiver(post_delete, sender=Tag, dispatch_uid="closet_list_tag_deleted")
def closet_list_owned_row_changed(sender, instance, using, **kwargs) -> None:
    _invalidate(instance.owner_id, using)


@receiver(m2m_changed, sender=Item.colours.through, dispatch_uid="closet_list_item_colours_changed")
@receiver(m2m_changed, sender=Item.tags.through, dispatch_uid="closet_list_item_tags_changed")
def closet_list_item_links_changed(sender, instance, action, reverse, model, pk_set, using, **kwargs) -> None:
    if not action.startswith("post_"):
        return
    # item.colours.set(...), item.tags.add(...); or tag.items.add(...): a tag's owner owns its items.
    if not reverse or isinstance(instance, Tag):
        _invalidate(instance.owner_id, using)
    else:  # colour.items.add(...): items of anyone, possibly all of a colour's items (clear)
        from closet.list_cache import closet_list_taxonomy_changed

        closet_list_taxonomy_changed(using=using)


@receiver(post_save, sender=Category, dispatch_uid="closet_list_category_saved")
@receiver(post_delete, sender=Category, dispatch_uid="closet_list_category_deleted")
@receiver(post_save, sender=Colour, dispatch_uid="closet_list_colour_saved")
@receiver(post_delete, sender=Colour, dispatch_uid="closet_list_colour_deleted")
def closet_list_taxonomy_row_changed(sender, using, **kwargs) -> None:
    from closet.list_cache import closet_list_taxonomy_changed

    closet_list_taxonomy_changed(using=using)
