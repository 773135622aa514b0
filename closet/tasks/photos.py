"""Background processing of item photos. Thin entry points: ids in, one service call, nothing returned."""

from __future__ import annotations

from celery import shared_task


@shared_task
def item_photo_process(photo_id: str) -> None:
    """Process one uploaded photo (closet.services.photos.item_photo_process); idempotent, so a redelivery is safe."""
    from closet.services.photos import item_photo_process as process

    process(photo_id=photo_id)


@shared_task
def item_photos_processing_resume() -> None:
    """Enqueue again any photo still waiting after a while (a message lost while the broker was down)."""
    from closet.services.photos import item_photos_processing_resume as resume

    resume()
