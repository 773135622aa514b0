"""A task that exists only for the live-worker test; the worker is started with ``-I tests.core.worker_tasks``."""

from celery import shared_task


@shared_task
def closet_item_mark_seen_by_worker(item_id: str) -> None:
    from closet.models import Item
    from closet.services import closet_item_update

    item = Item.objects.get(pk=item_id)
    closet_item_update(item=item, notes="seen by the worker")
