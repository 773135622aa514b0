"""Background work of support. Thin entry points: ids in, one service call, nothing returned."""

from __future__ import annotations

from celery import shared_task


@shared_task
def support_reply_notify(message_id: str) -> None:
    """E-mail the owner of a conversation that support answered (support.services.support_reply_notify)."""
    from support.services import support_reply_notify as notify

    notify(message_id=message_id)
