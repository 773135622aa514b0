"""Account erasure (RGT-4, RET-1): closing at once, the grace period, cancelling, and the deletion canary."""

from __future__ import annotations

import contextlib
import pickle
import re
import uuid
from datetime import timedelta
from importlib import import_module

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import connection, models
from django.utils import timezone
from rest_framework.test import APIClient

from privacy.erasure import (
    ErasureCancelInvalid,
    account_erase,
    account_erasure_cancel,
    account_erasure_start,
    account_erasures_due_run,
    erasure_cancel_token,
    subject_hash,
)
from privacy.models import AccountErasure, ErasureStatus, PrivacyRequest, RequestKind, RequestStatus
from privacy.registry import registered_entries
from tests.accounts.factories import PASSWORD, UserFactory
from tests.factories import factory_for

pytestmark = pytest.mark.promise("RGT-4")

User = get_user_model()


def _sign_in_app(email: str) -> str:
    """Sign in as an app does (allauth headless) and return its session token."""
    response = APIClient().post("/_allauth/app/v1/auth/login", {"email": email, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["meta"]["session_token"]


class TestClosing:
    def test_closing_deactivates_signs_out_everywhere_and_emails_a_cancel_link(
        self, client, user, mailoutbox, django_capture_on_commit_callbacks, celery_eager
    ):
        client.force_login(user)
        token = _sign_in_app(user.email)
        app = APIClient(headers={"X-Session-Token": token})
        assert app.get("/api/v1/items/").status_code == 200

        with django_capture_on_commit_callbacks(execute=True):
            erasure = account_erasure_start(user=user, actor=user)

        user.refresh_from_db()
        assert user.is_active is False
        assert erasure.erase_after.date() == (timezone.now() + timedelta(days=settings.ERASURE_GRACE_DAYS)).date()
        assert client.get("/closet/").status_code == 302  # the browser session ended
        assert app.get("/api/v1/items/").status_code == 401  # so did the app's token
        assert len(mailoutbox) == 1 and mailoutbox[0].to == [user.email]
        link = re.search(r"/privacy/erasure/cancel/(\S+)/", mailoutbox[0].body)
        assert link and signing.loads(link.group(1), salt="privacy.erasure.cancel") == str(erasure.pk)
        request = PrivacyRequest.objects.get(user=user)
        assert (request.kind, request.status) == (RequestKind.ERASURE, RequestStatus.IN_PROGRESS)

    def test_old_credentials_no_longer_sign_in_once_closed(self, client, user):
        account_erasure_start(user=user, actor=user)
        client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
        assert "_auth_user_id" not in client.session

    def test_closing_stops_marketing(self, user):
        from privacy.models import Channel, Choice, Method
        from privacy.selectors import marketing_recipients
        from privacy.services import consent_record

        consent_record(user=user, purpose="marketing_email", choice=Choice.GRANTED, method=Method.SETTINGS,
                       channel=Channel.WEB)  # fmt: skip
        assert user in marketing_recipients()
        account_erasure_start(user=user, actor=user)
        assert user not in marketing_recipients()

    def test_asking_twice_keeps_one_erasure(self, user):
        first = account_erasure_start(user=user, actor=user)
        assert account_erasure_start(user=user, actor=user) == first
        assert AccountErasure.objects.count() == 1

    def test_the_grace_period_cannot_exceed_29_days(self, monkeypatch):
        import subprocess
        import sys

        monkeypatch.setenv("ERASURE_GRACE_DAYS", "31")
        result = subprocess.run(
            [sys.executable, "-c", "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', "
             "'config.settings'); django.setup()"],
            capture_output=True, text=True, cwd=settings.BASE_DIR,
        )  # fmt: skip
        assert result.returncode != 0
        assert "ERASURE_GRACE_DAYS must be at most 29" in result.stderr


class TestCancelling:
    def test_the_emailed_link_restores_the_account(self, client, user):
        erasure = account_erasure_start(user=user, actor=user)
        url = f"/privacy/erasure/cancel/{erasure_cancel_token(erasure)}/"
        assert client.get(url).status_code == 200  # a page with a button: mail scanners do not cancel by GET
        assert AccountErasure.objects.get().status == ErasureStatus.SCHEDULED

        response = client.post(url)

        assert response.status_code == 302
        user.refresh_from_db()
        assert user.is_active
        assert AccountErasure.objects.get().status == ErasureStatus.CANCELLED
        assert PrivacyRequest.objects.get().status == RequestStatus.CANCELLED
        assert account_erasures_due_run(now=timezone.now() + timedelta(days=60)) == 0
        assert User.objects.filter(pk=user.pk).exists()

    def test_a_forged_link_is_refused_with_a_clear_page(self, client, user):
        account_erasure_start(user=user, actor=user)
        response = client.post("/privacy/erasure/cancel/forged:token/")
        assert response.status_code == 400
        assert b"not valid" in response.content
        with pytest.raises(ErasureCancelInvalid):
            account_erasure_cancel(token="forged")

    def test_the_link_is_dead_once_the_account_is_erased(self, user):
        erasure = account_erasure_start(user=user, actor=user)
        account_erase(erasure_id=erasure.pk)
        with pytest.raises(ErasureCancelInvalid):
            account_erasure_cancel(token=erasure_cancel_token(erasure))


class TestSweep:
    @pytest.mark.promise("RET-1")
    def test_the_sweep_erases_only_accounts_whose_grace_period_is_over(self, user, other_user):
        account_erasure_start(user=user, actor=user)
        later = account_erasure_start(user=other_user, actor=other_user)
        later.erase_after = timezone.now() + timedelta(days=settings.ERASURE_GRACE_DAYS + 3)
        later.save()

        assert account_erasures_due_run(now=timezone.now() + timedelta(days=settings.ERASURE_GRACE_DAYS, hours=1)) == 1

        assert not User.objects.filter(pk=user.pk).exists()
        assert User.objects.filter(pk=other_user.pk).exists()
        assert account_erasures_due_run(now=timezone.now() + timedelta(days=settings.ERASURE_GRACE_DAYS, hours=1)) == 0

    @pytest.mark.promise("RET-1")
    def test_an_erased_account_is_answered_and_leaves_a_receipt_without_personal_data(
        self, user, mailoutbox, django_capture_on_commit_callbacks
    ):
        from tests.closet.factories import ItemFactory

        ItemFactory.create_batch(3, owner=user)
        email = user.email
        erasure = account_erasure_start(user=user, actor=user)
        with django_capture_on_commit_callbacks(execute=True):
            assert account_erase(erasure_id=erasure.pk)

        receipt = AccountErasure.objects.get(pk=erasure.pk)
        assert receipt.status == ErasureStatus.COMPLETED and receipt.user is None
        assert receipt.counts["wardrobe"] == 3
        assert receipt.counts["account"] == 2  # the account and its e-mail address
        assert receipt.subject_hash == subject_hash(receipt.subject_salt, email.upper())  # provable by its owner
        assert email not in str(receipt.__dict__)
        request = PrivacyRequest.objects.get()
        assert (request.status, request.user, request.details) == (RequestStatus.COMPLETED, None, "")
        assert mailoutbox[-1].to == [email] and "erased" in mailoutbox[-1].subject


# --- The deletion canary -------------------------------------------------------------------------------------

CANARY_EMAIL = "canary.zq7x@example.com"
CANARY_NAME = "Quillabet Canary"


def _give_data_in_every_registered_model(person) -> list[models.Model]:
    """One row of every registered model about ``person``, and a stored file in every file field."""
    made = []
    for entry in registered_entries():
        if entry.owner == "self":
            continue
        row = factory_for(entry.model)(**{entry.owner: person})
        for field in entry.file_fields:
            if not getattr(row, field):
                getattr(row, field).save(f"{person.pk}-{field}.bin", ContentFile(b"canary file"), save=True)
        made.append(row)
    return made


def _database_dump() -> list[tuple[str, str]]:
    """Every row of every table, as (table, text)."""
    dump = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - introspected names
            dump.extend((table, " ".join(str(value) for value in row).lower()) for row in cursor.fetchall())
    return dump


def _cache_dump() -> list[str]:
    """Every value in the cache, as text (locmem in SQLite runs, Redis in CI)."""
    backend = cache._cache if hasattr(cache, "_cache") else None
    texts = []
    if isinstance(backend, dict):  # LocMemCache
        for key, value in backend.items():
            texts.append(f"{key} {pickle.loads(value)!r}".lower())  # noqa: S301 - our own test cache
    else:  # RedisCache
        client = cache._cache.get_client()
        for key in client.scan_iter():
            if client.type(key) != b"string":  # the broker's queues and sets share this Redis
                continue
            value = client.get(key)
            with contextlib.suppress(Exception):  # not every value is a pickle (counters are plain numbers)
                value = pickle.loads(value)  # noqa: S301 - our own test cache
            texts.append(f"{key!r} {value!r}".lower())
    return texts


def _sessions_of(person_pk) -> int:
    from django.contrib.sessions.models import Session

    store = import_module(settings.SESSION_ENGINE).SessionStore
    return sum(
        1 for s in Session.objects.all() if store(session_key=s.session_key).get("_auth_user_id") == str(person_pk)
    )


@pytest.mark.promise("RET-1")
def test_deletion_canary_finds_no_trace_of_an_erased_person(
    client, other_user, django_capture_on_commit_callbacks, settings
):
    canary = UserFactory(email=CANARY_EMAIL, display_name=CANARY_NAME)
    rows = _give_data_in_every_registered_model(canary)
    bystander_rows = _give_data_in_every_registered_model(other_user)
    client.force_login(canary)
    assert client.get("/api/v1/items/?page_size=100").status_code == 200  # fills any per-person cache
    _sign_in_app(CANARY_EMAIL)
    assert _sessions_of(canary.pk) >= 1

    kept = {e.model for e in registered_entries() if e.erasure.kind != "delete"}
    uuids = {str(r.pk) for r in rows if isinstance(r.pk, uuid.UUID) and type(r) not in kept}
    uuids |= {str(r.pk).replace("-", "") for r in rows if isinstance(r.pk, uuid.UUID) and type(r) not in kept}
    file_fields = {e.model: e.file_fields for e in registered_entries()}
    files = {getattr(r, f).name for r in rows for f in file_fields[type(r)] if getattr(r, f)}
    assert files, "the canary must hold files, or it proves nothing about storage"
    media = settings.MEDIA_ROOT
    assert all((media / name).exists() for name in files)
    canary_pk = canary.pk

    with django_capture_on_commit_callbacks(execute=True):
        erasure = account_erasure_start(user=canary, actor=canary)
    with django_capture_on_commit_callbacks(execute=True):
        assert account_erase(erasure_id=erasure.pk)

    traces = {CANARY_EMAIL, CANARY_NAME.lower(), *uuids, *files}
    for table, text in _database_dump():
        found = [trace for trace in traces if trace.lower() in text]
        assert not found, f"{table} still holds {found}"
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields():
            if field.concrete and field.is_relation and field.related_model is User:
                assert not model._default_manager.filter(**{field.attname: canary_pk}).exists(), (
                    f"{model._meta.label}.{field.name} still points at the erased account"
                )
    stored = {str(p.relative_to(media)) for p in media.rglob("*") if p.is_file()}
    assert not (stored & files), f"files of the erased account remain: {stored & files}"
    for text in _cache_dump():
        assert not [trace for trace in traces if trace.lower() in text], text
    assert _sessions_of(canary_pk) == 0

    # The bystander lost nothing.
    for row in bystander_rows:
        assert type(row)._default_manager.filter(pk=row.pk).exists(), f"{type(row).__name__} of bob was erased"
    assert User.objects.filter(pk=other_user.pk, is_active=True).exists()
