"""Retention sweeps (RET-2, RET-3, RET-4): registry-driven, batched, idempotent, logged, periods from settings."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from privacy.models import RetentionRun, UsageEvent
from privacy.registry import DataCategory, registered_entries
from privacy.retention import retention_status, retention_sweep
from tests.factories import factory_for
from tests.privacy.factories import UsageEventFactory

pytestmark = pytest.mark.django_db

TIMED = [e for e in registered_entries() if e.retention.kind == "days"]


def _row_aged(entry, owner, days_old: int):
    """A row of ``entry``'s model about ``owner``, its retention date ``days_old`` days ago, with its files."""
    row = factory_for(entry.model)(**({} if entry.owner == "self" else {entry.owner: owner}))
    for field in entry.file_fields:
        if not getattr(row, field):
            getattr(row, field).save("retention.bin", ContentFile(b"x"), save=True)
    entry.model._default_manager.filter(pk=row.pk).update(
        **{entry.retention.after: timezone.now() - timedelta(days=days_old)}
    )
    return row


@pytest.mark.promise("RET-2", "RET-3", "RET-4")  # usage, support messages and security logs are among TIMED
@pytest.mark.parametrize("entry", TIMED, ids=lambda e: e.label)
def test_each_timed_rule_removes_rows_past_its_period_with_their_files_and_keeps_the_rest(
    entry, user, settings, django_capture_on_commit_callbacks
):
    days = entry.retention.effective_days
    old = _row_aged(entry, user, days + 1)
    recent = _row_aged(entry, user, days - 1)
    old_files = [getattr(old, f).name for f in entry.file_fields]

    with django_capture_on_commit_callbacks(execute=True):
        run = retention_sweep()

    manager = entry.model._default_manager
    assert not manager.filter(pk=old.pk).exists()
    assert manager.filter(pk=recent.pk).exists()
    assert run.removed[entry.label] >= 1
    for name in old_files:
        assert not (settings.MEDIA_ROOT / name).exists(), f"{name} outlived its row"


@pytest.mark.parametrize(
    ("category", "setting", "days"),
    [
        pytest.param(DataCategory.USAGE, "RETENTION_USAGE_DAYS", 365, marks=pytest.mark.promise("RET-2")),
        pytest.param(DataCategory.SUPPORT, "RETENTION_SUPPORT_DAYS", 182, marks=pytest.mark.promise("RET-3")),
        pytest.param(DataCategory.SECURITY_LOG, "RETENTION_SECURITY_LOG_DAYS", 90, marks=pytest.mark.promise("RET-4")),
    ],
)
def test_each_promised_period_is_declared_and_is_a_setting(category, setting, days, settings):
    declared = [e for e in TIMED if e.category == category]
    assert declared, f"no model of category {category} has a retention period"
    assert all(e.retention.setting == setting for e in declared)
    assert getattr(settings, setting) == days


@pytest.mark.promise("RET-2")
def test_a_shorter_period_from_settings_applies(user, settings):
    settings.RETENTION_USAGE_DAYS = 30
    event = UsageEventFactory(user=user)
    UsageEvent.objects.filter(pk=event.pk).update(created_at=timezone.now() - timedelta(days=31))
    retention_sweep()
    assert not UsageEvent.objects.exists()


@pytest.mark.promise("RET-2")
def test_the_sweep_works_in_batches_is_idempotent_and_logs_each_run(user, settings):
    settings.RETENTION_BATCH_SIZE = 2
    UsageEventFactory.create_batch(5, user=user)
    UsageEventFactory(user=user)  # recent: stays
    UsageEvent.objects.filter(pk__in=list(UsageEvent.objects.values_list("pk", flat=True)[:5])).update(
        created_at=timezone.now() - timedelta(days=400)
    )

    first = retention_sweep()
    second = retention_sweep()

    assert first.removed["privacy.UsageEvent"] == 5 and second.removed["privacy.UsageEvent"] == 0
    assert UsageEvent.objects.count() == 1
    assert RetentionRun.objects.count() == 2 and all(r.finished_at for r in RetentionRun.objects.all())


def test_the_status_page_shows_each_rule_and_what_is_due_to_staff_only(client, user, admin_user):
    UsageEventFactory(user=user)
    UsageEvent.objects.update(created_at=timezone.now() - timedelta(days=400))
    usage = next(s for s in retention_status() if s.entry.label == "privacy.UsageEvent")
    assert usage.overdue == 1

    client.force_login(user)
    assert client.get("/staff/privacy/retention/").status_code == 302  # to the staff login
    client.force_login(admin_user)
    page = client.get("/staff/privacy/retention/")
    assert page.status_code == 200
    assert b"privacy.UsageEvent" in page.content and b"Deleted 365 days after created at" in page.content


def test_the_data_map_gives_every_category_its_legal_basis(client, admin_user):
    from privacy.registry import CATEGORY_INFO

    assert {e.category for e in registered_entries()} <= set(CATEGORY_INFO)
    client.force_login(admin_user)
    page = client.get("/staff/privacy/data-map/").content.decode()
    for entry in registered_entries():
        assert entry.label in page
        assert CATEGORY_INFO[entry.category].legal_basis in page
