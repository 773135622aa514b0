"""Deletion notices to stores (RGT-7): signed, delivered by Celery with retries and backoff, every attempt logged.

The store's end is a real HTTP server on a loopback port (tests/stores/webhook_server.py): nothing on this path is
mocked.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from examples.demo_store.app import webhook_signature_valid
from privacy.erasure import account_erase, account_erasure_start
from stores.models import NoticeStatus, StoreNotice
from stores.services.notices import (
    NO_WEBHOOK_URL,
    store_notice_deliver_attempt,
    store_notice_retry,
    store_notice_retry_delay,
    store_notice_send,
    store_notices_resume,
)
from stores.webhooks import SIGNATURE_HEADER, TIMESTAMP_HEADER, store_webhook_key
from tests.stores.factories import StoreConnectionFactory, StoreFactory, StoreNoticeFactory
from tests.stores.webhook_server import webhook_server_fixture  # noqa: F401 - the `webhook_server` fixture

pytestmark = pytest.mark.django_db


def _attempt_codes(notice: StoreNotice) -> list[int | None]:
    return list(notice.attempt_log.order_by("attempted_at", "pk").values_list("status_code", flat=True))


def _header(received, name: str) -> str:
    return next(value for key, value in received.headers.items() if key.lower() == name.lower())


@pytest.mark.promise("RGT-7")
def test_a_notice_is_signed_and_tells_the_store_only_the_pseudonym_and_why(
    user, webhook_server, django_capture_on_commit_callbacks, celery_eager
):
    connection = StoreConnectionFactory(user=user, store__webhook_url=f"{webhook_server.url}/hooks")

    with django_capture_on_commit_callbacks(execute=True):
        notice = store_notice_send(store=connection.store, sub=connection.sub, reason="revoked", user=user)

    notice.refresh_from_db()
    assert (notice.status, notice.attempts, _attempt_codes(notice)) == (NoticeStatus.DELIVERED, 1, [200])
    assert notice.delivered_at is not None
    (received,) = webhook_server.received
    body = json.loads(received.body)
    assert set(body) == {"type", "notice_id", "sub", "reason", "sent_at"}
    assert body["type"] == "subject.delete"
    assert (body["notice_id"], body["sub"], body["reason"]) == (str(notice.pk), connection.sub, "revoked")
    # The user id is a small number, so look for it as a value rather than as text.
    assert user.pk not in body.values() and str(user.pk) not in body.values()
    assert user.email not in received.body.decode()
    key = store_webhook_key(store_id=connection.store.pk, secret_version=connection.store.secret_version)
    timestamp, signature = _header(received, TIMESTAMP_HEADER), _header(received, SIGNATURE_HEADER)
    # Checked as a store checks it: the demo store's verifier, written from the documentation alone.
    assert webhook_signature_valid(key=key, body=received.body, timestamp=timestamp, signature=signature)
    assert not webhook_signature_valid(key=key + "x", body=received.body, timestamp=timestamp, signature=signature)


@pytest.mark.promise("RGT-7")
def test_erasure_notifies_every_connected_store_and_retries_until_acknowledged(
    user, other_user, webhook_server, django_capture_on_commit_callbacks, celery_eager
):
    linen = StoreFactory(webhook_url=f"{webhook_server.url}/linen")
    denim = StoreFactory(webhook_url=f"{webhook_server.url}/denim")
    subs = {
        linen.pk: StoreConnectionFactory(user=user, store=linen).sub,
        denim.pk: StoreConnectionFactory(user=user, store=denim).sub,
    }
    StoreConnectionFactory(user=other_user, store=linen)  # a bystander: no notice about them
    webhook_server.script("/linen", 500, 500)  # Linen House is down for a while; Denim Yard answers at once
    erasure = account_erasure_start(user=user, actor=user)

    with django_capture_on_commit_callbacks(execute=True):
        assert account_erase(erasure_id=erasure.pk)

    notices = {n.store_id: n for n in StoreNotice.objects.all()}
    assert set(notices) == {linen.pk, denim.pk}
    for store_id, notice in notices.items():
        assert (notice.user, notice.reason, notice.sub) == (None, "erased", subs[store_id])
    denim_notice, linen_notice = notices[denim.pk], notices[linen.pk]
    assert (denim_notice.status, _attempt_codes(denim_notice)) == (NoticeStatus.DELIVERED, [200])
    # The first attempt failed; the retry the task scheduled (run at once by the eager test worker) found the notice
    # not due yet and did nothing: one attempt, the next in a minute.
    assert (linen_notice.status, _attempt_codes(linen_notice)) == (NoticeStatus.PENDING, [500])
    assert linen_notice.next_attempt_at - timezone.now() == pytest.approx(
        timedelta(minutes=1), abs=timedelta(seconds=5)
    )

    first_retry = linen_notice.next_attempt_at
    assert store_notice_deliver_attempt(notice_id=linen_notice.pk, now=first_retry) == first_retry + timedelta(
        minutes=2
    )
    assert store_notice_deliver_attempt(notice_id=linen_notice.pk, now=first_retry + timedelta(minutes=2)) is None

    linen_notice.refresh_from_db()
    assert (linen_notice.status, linen_notice.attempts) == (NoticeStatus.DELIVERED, 3)
    assert _attempt_codes(linen_notice) == [500, 500, 200]
    sent = [json.loads(body) for body in webhook_server.bodies("/linen")]
    assert [body["notice_id"] for body in sent] == [str(linen_notice.pk)] * 3  # the same notice, for idempotency
    assert len(webhook_server.bodies("/denim")) == 1


def test_backoff_doubles_from_a_minute_and_stops_at_six_hours():
    delays = [store_notice_retry_delay(attempts=n) for n in range(1, 12)]
    assert delays[:4] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert max(delays) == delays[-1] == timedelta(hours=6)


def test_a_notice_is_given_up_after_the_maximum_attempts_and_shows_as_failed(webhook_server, settings):
    settings.STORE_NOTICE_MAX_ATTEMPTS = 2
    notice = StoreNoticeFactory(store__webhook_url=f"{webhook_server.url}/down")
    webhook_server.script("/down", 503, 503, 503)

    retry_at = store_notice_deliver_attempt(notice_id=notice.pk)
    assert retry_at is not None
    assert store_notice_deliver_attempt(notice_id=notice.pk, now=retry_at) is None
    assert store_notice_deliver_attempt(notice_id=notice.pk, now=retry_at + timedelta(days=1)) is None

    notice.refresh_from_db()
    assert (notice.status, notice.attempts, notice.next_attempt_at) == (NoticeStatus.FAILED, 2, None)
    assert _attempt_codes(notice) == [503, 503]
    assert len(webhook_server.received) == 2


def test_a_store_without_a_webhook_url_fails_at_once_with_the_reason():
    notice = StoreNoticeFactory(store__webhook_url="")

    assert store_notice_deliver_attempt(notice_id=notice.pk) is None

    notice.refresh_from_db()
    assert (notice.status, notice.attempts) == (NoticeStatus.FAILED, 1)
    assert list(notice.attempt_log.values_list("status_code", "error")) == [(None, NO_WEBHOOK_URL)]


def test_a_redirect_or_a_refused_connection_is_not_an_acknowledgement(webhook_server):
    moved = StoreNoticeFactory(store__webhook_url=f"{webhook_server.url}/moved")
    webhook_server.script("/moved", 302)
    closed = StoreNoticeFactory(store__webhook_url="http://127.0.0.1:9/nothing-listens-here")

    for notice in (moved, closed):
        assert store_notice_deliver_attempt(notice_id=notice.pk) is not None
        notice.refresh_from_db()
        assert (notice.status, notice.attempts) == (NoticeStatus.PENDING, 1)
    assert _attempt_codes(moved) == [302]
    failed = closed.attempt_log.get()
    assert failed.status_code is None and failed.error


def test_the_task_schedules_its_own_retry_for_the_time_the_service_gives(webhook_server, monkeypatch):
    from stores import tasks

    notice = StoreNoticeFactory(store__webhook_url=f"{webhook_server.url}/busy")
    webhook_server.script("/busy", 429)
    scheduled = []
    monkeypatch.setattr(tasks.store_notice_deliver, "apply_async", lambda **kwargs: scheduled.append(kwargs))

    tasks.store_notice_deliver(str(notice.pk))

    notice.refresh_from_db()
    assert scheduled == [{"args": [str(notice.pk)], "eta": notice.next_attempt_at}]


def test_the_resume_sweep_enqueues_only_pending_notices_that_are_due(webhook_server, celery_eager):
    now = timezone.now()
    url = f"{webhook_server.url}/resume"
    due = StoreNoticeFactory(store__webhook_url=url, attempts=1, next_attempt_at=now - timedelta(minutes=3))
    never_sent = StoreNoticeFactory(store__webhook_url=url)  # its first message was lost with the broker
    later = StoreNoticeFactory(store__webhook_url=url, attempts=1, next_attempt_at=now + timedelta(minutes=30))
    done = StoreNoticeFactory(store__webhook_url=url, status=NoticeStatus.DELIVERED)
    given_up = StoreNoticeFactory(store__webhook_url=url, status=NoticeStatus.FAILED, attempts=8)

    assert store_notices_resume(now=now) == 2

    statuses = {n.pk: n.status for n in StoreNotice.objects.all()}
    assert statuses[due.pk] == statuses[never_sent.pk] == NoticeStatus.DELIVERED
    assert (statuses[later.pk], statuses[done.pk], statuses[given_up.pk]) == (
        NoticeStatus.PENDING,
        NoticeStatus.DELIVERED,
        NoticeStatus.FAILED,
    )
    assert sorted(json.loads(body)["notice_id"] for body in webhook_server.bodies()) == sorted(
        [str(due.pk), str(never_sent.pk)]
    )


def test_retry_now_gives_a_failed_notice_one_more_attempt(
    webhook_server, django_capture_on_commit_callbacks, celery_eager
):
    notice = StoreNoticeFactory(
        store__webhook_url=f"{webhook_server.url}/fixed", status=NoticeStatus.FAILED, attempts=8
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert store_notice_retry(notice=notice)

    notice.refresh_from_db()
    assert (notice.status, notice.attempts) == (NoticeStatus.DELIVERED, 9)
    assert not store_notice_retry(notice=notice)  # a delivered notice is not sent again


def test_a_rolled_back_revocation_sends_no_notice(
    user, webhook_server, django_capture_on_commit_callbacks, celery_eager
):
    from django.db import transaction

    connection = StoreConnectionFactory(user=user, store__webhook_url=f"{webhook_server.url}/hooks")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        store_notice_send(store=connection.store, sub=connection.sub, reason="revoked")
        raise RuntimeError("the revocation failed")

    assert not StoreNotice.objects.exists()
    assert webhook_server.received == []
