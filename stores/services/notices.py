"""Deletion notices to stores (RGT-7): a signed webhook, delivered in the background with retries.

A notice is a row (jobs are rows): ``store_notice_send`` creates it and, once the transaction commits, enqueues its
delivery; ``store_notice_deliver_attempt`` makes one attempt and says when to try again; the beat task
``store_notices_resume`` enqueues every notice that is due again, so a notice survives a lost broker message.

What a store receives is the pseudonym it knows the person by and why, nothing else: no user id, no e-mail::

    POST <store.webhook_url>
    SesioCloset-Timestamp: 1767225600
    SesioCloset-Signature: v1=<HMAC-SHA256 of "<timestamp>.<body>" under the store's webhook key>

    {"type": "subject.delete", "notice_id": "<uuid>", "sub": "<pseudonym>", "reason": "erased", "sent_at": "..."}

Any 2xx answer is the store's acknowledgement. Anything else (an error status, a redirect, a timeout, a refused
connection) is logged as a ``StoreNoticeAttempt`` and retried with exponential backoff (1 min, 2, 4 … at most 6 h)
until STORE_NOTICE_MAX_ATTEMPTS attempts, after which the notice is "failed" and staff see it in the admin's
"Undelivered" filter. The same notice may reach a store twice (a retry after an acknowledgement that got lost), so
stores are asked to treat ``notice_id`` idempotently.
"""

from __future__ import annotations

import http.client
import json
import logging
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from stores.models import NoticeReason, NoticeStatus, Store, StoreNotice, StoreNoticeAttempt
from stores.webhooks import store_webhook_key, webhook_headers

logger = logging.getLogger(__name__)

# One attempt may hold a worker (and the notice's row lock) this long at most.
DELIVERY_TIMEOUT_SECONDS = 10
RETRY_BASE = timedelta(minutes=1)
RETRY_CAP = timedelta(hours=6)
# A task arriving this much before the notice's next attempt is due still tries (workers' clocks differ a little);
# one arriving earlier is a duplicate of a retry already scheduled, and does nothing.
_EARLY_TOLERANCE = timedelta(seconds=30)
NO_WEBHOOK_URL = "no webhook URL"


def store_notice_send(*, store: Store, sub: str, reason: str, user=None) -> StoreNotice:
    """Record a notice telling ``store`` to delete what it holds for ``sub``; delivery starts once the transaction
    commits (a rolled-back revocation or erasure sends nothing)."""
    notice = StoreNotice.objects.create(store=store, sub=sub, reason=NoticeReason(reason), user=user)
    transaction.on_commit(lambda: _deliver_enqueue(notice.pk))
    return notice


def _deliver_enqueue(notice_id) -> None:
    from stores.tasks import store_notice_deliver

    store_notice_deliver.delay(str(notice_id))


def store_notice_retry_delay(*, attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt: 1 min, 2, 4 … capped at 6 hours."""
    return min(RETRY_BASE * 2 ** max(attempts - 1, 0), RETRY_CAP)


def store_notice_payload(notice: StoreNotice, *, sent_at: datetime) -> bytes:
    """The body a store receives: the pseudonym and the reason only (STO-2: never the user id or the address)."""
    payload = {
        "type": "subject.delete",
        "notice_id": str(notice.pk),
        "sub": notice.sub,
        "reason": notice.reason,
        "sent_at": sent_at.isoformat(),
    }
    return json.dumps(payload, separators=(",", ":")).encode()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is not an acknowledgement, and a signed notice is never carried to an address staff did not
    register: a 3xx surfaces as an HTTPError and counts as a failed attempt."""

    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def _post(url: str, *, body: bytes, headers: dict[str, str]) -> tuple[int | None, str]:
    """POST once; the status code (None when there was no HTTP answer) and an error text ("" on a 2xx)."""
    if not url.lower().startswith(("https://", "http://")):
        return None, "the webhook URL is not an http(s) address"
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        url, data=body, headers={**headers, "User-Agent": "SesioCloset-Webhooks/1"}, method="POST"
    )
    try:
        with _opener.open(request, timeout=DELIVERY_TIMEOUT_SECONDS) as response:
            return response.status, ""
    except urllib.error.HTTPError as error:
        error.close()
        return error.code, f"HTTP {error.code}"
    except urllib.error.URLError as error:
        return None, str(error.reason)[:300] or "connection failed"
    except (TimeoutError, OSError, http.client.HTTPException, ValueError) as error:
        return None, (f"{type(error).__name__}: {error}")[:300]


def store_notice_deliver_attempt(*, notice_id, now: datetime | None = None) -> datetime | None:
    """Make one delivery attempt of a pending notice (RGT-7). Returns when to try again, or None when there is
    nothing more to do (delivered, given up, not pending, or not due yet because another attempt is scheduled).

    The row stays locked during the attempt, so two workers never deliver the same notice at once; a duplicate
    task (a retry and the resume sweep both firing) finds the notice delivered or not due, and does nothing.
    ``now`` is the time of the attempt (tests pass a later one to stand in for waiting).
    """
    now = now or timezone.now()
    with transaction.atomic():
        notice = (
            StoreNotice.objects.select_for_update(of=("self",)).select_related("store").filter(pk=notice_id).first()
        )
        if notice is None or notice.status != NoticeStatus.PENDING:
            return None
        if notice.next_attempt_at is not None and notice.next_attempt_at > now + _EARLY_TOLERANCE:
            return None
        store = notice.store
        notice.attempts += 1
        if not store.webhook_url:
            # Nothing to retry until staff give the store a webhook URL; they see the notice as undelivered.
            StoreNoticeAttempt.objects.create(notice=notice, error=NO_WEBHOOK_URL)
            notice.status, notice.next_attempt_at = NoticeStatus.FAILED, None
            notice.save(update_fields=["attempts", "status", "next_attempt_at"])
            logger.warning("Store notice %s not delivered: %s has no webhook URL", notice.pk, store)
            return None
        body = store_notice_payload(notice, sent_at=now)
        key = store_webhook_key(store_id=store.pk, secret_version=store.secret_version)
        started = time.monotonic()
        status_code, error = _post(store.webhook_url, body=body, headers=webhook_headers(key=key, body=body))
        duration_ms = int((time.monotonic() - started) * 1000)
        StoreNoticeAttempt.objects.create(notice=notice, status_code=status_code, error=error, duration_ms=duration_ms)
        if status_code is not None and 200 <= status_code < 300:
            notice.status, notice.delivered_at, notice.next_attempt_at = NoticeStatus.DELIVERED, now, None
            retry_at = None
        elif notice.attempts >= settings.STORE_NOTICE_MAX_ATTEMPTS:
            notice.status, notice.next_attempt_at = NoticeStatus.FAILED, None
            retry_at = None
            logger.warning("Store notice %s undelivered after %s attempts (%s)", notice.pk, notice.attempts, error)
        else:
            retry_at = now + store_notice_retry_delay(attempts=notice.attempts)
            notice.next_attempt_at = retry_at
        notice.save(update_fields=["attempts", "status", "delivered_at", "next_attempt_at"])
    return retry_at


@transaction.atomic
def store_notice_retry(*, notice: StoreNotice) -> bool:
    """Staff's "Retry now": an undelivered notice (failed, or pending and waiting for its next try) gets one more
    attempt at once. A failed notice that fails again is failed again. Returns False for a delivered notice."""
    notice = StoreNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.status == NoticeStatus.DELIVERED:
        return False
    notice.status, notice.next_attempt_at = NoticeStatus.PENDING, timezone.now()
    notice.save(update_fields=["status", "next_attempt_at"])
    transaction.on_commit(lambda: _deliver_enqueue(notice.pk))
    return True


def store_notices_resume(*, now: datetime | None = None) -> int:
    """The beat sweep: enqueue every pending notice that is due (its retry's message may have been lost with the
    broker, or its first one never sent). Safe at any time: a duplicate delivery task does nothing. Returns how many
    were enqueued."""
    now = now or timezone.now()
    due = StoreNotice.objects.filter(status=NoticeStatus.PENDING).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    count = 0
    for notice_id in due.values_list("pk", flat=True).iterator():
        _deliver_enqueue(notice_id)
        count += 1
    return count
