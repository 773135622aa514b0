"""Reads of support conversations. Every read of a user's conversations starts from :func:`support_thread_list`,
so the web pages and the API see exactly the same rows: the person's own (promise SEC-3)."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from support.models import SupportAttachment, SupportMessage, SupportThread


def support_thread_list(*, user) -> QuerySet[SupportThread]:
    """The person's own conversations, the most recently active first, with how many messages each has."""
    # An explicit order: Meta.ordering does not apply to a query with an aggregate.
    return (
        SupportThread.objects.filter(owner=user)
        .annotate(message_count=Count("messages"))
        .order_by("-last_message_at", "-created_at", "id")
    )


def support_thread_messages(*, thread: SupportThread) -> QuerySet[SupportMessage]:
    """A conversation's messages, oldest first, with their attachments."""
    return (
        SupportMessage.objects.filter(thread=thread)
        .order_by("created_at", "id")
        .prefetch_related(Prefetch("attachments", queryset=SupportAttachment.objects.order_by("created_at", "id")))
    )
