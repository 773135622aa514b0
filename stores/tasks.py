"""Celery entry points of the stores app: thin, ids only."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True)
def store_notice_deliver(notice_id: str) -> None:
    """One delivery attempt of a deletion notice (RGT-7); when the service says when to try again, the task
    schedules itself for then. The beat task below is the safety net if that message is lost."""
    from stores.services.notices import store_notice_deliver_attempt

    retry_at = store_notice_deliver_attempt(notice_id=notice_id)
    if retry_at is not None:
        store_notice_deliver.apply_async(args=[notice_id], eta=retry_at)


@shared_task
def store_notices_resume() -> None:
    """Enqueue every pending notice whose next attempt is due (every 10 minutes, from beat)."""
    from stores.services.notices import store_notices_resume as resume

    resume()
