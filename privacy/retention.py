"""The retention sweep (RET-2, RET-3, RET-4, with RET-1 run just before it): registry-driven and batched.

Every model declared with ``Retention.days_after(N, after=field, setting=...)`` loses its rows whose ``field`` is
older than N days (N read from the setting when one is named: RETENTION_USAGE_DAYS, RETENTION_SUPPORT_DAYS,
RETENTION_SECURITY_LOG_DAYS). Rows go in batches of RETENTION_BATCH_SIZE, each batch in its own transaction, so a
backlog never holds a long lock and an interrupted run loses nothing: the next run simply continues. The files
of deleted rows are removed once their batch commits. Each run is logged in a RetentionRun with counts per model.

Rules that are more than "N days after a date" keep their own sweeps and are listed on the status page with
theirs: consent events (privacy.services.consent_events_purge), export bundles (export_bundles_expire), AI
uploads (closet outfit_jobs_sweep) and closed accounts (privacy.erasure.account_erasures_due_run).
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import import_module

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.storage import private_files_delete_on_commit
from privacy.registry import PersonalDataEntry, registered_entries

logger = logging.getLogger(__name__)


def _timed_entries() -> list[PersonalDataEntry]:
    return [entry for entry in registered_entries() if entry.retention.effective_days is not None]


def _expired(entry: PersonalDataEntry, now: datetime):
    cutoff = now - timedelta(days=entry.retention.effective_days)
    return entry.model._default_manager.filter(**{f"{entry.retention.after}__lt": cutoff})


def _delete_in_batches(entry: PersonalDataEntry, now: datetime, batch_size: int) -> tuple[int, int]:
    """Delete the expired rows of one model, a batch per transaction. Returns (rows, files) removed."""
    rows_removed = files_removed = 0
    while True:
        with transaction.atomic():
            pks = list(_expired(entry, now).order_by("pk").values_list("pk", flat=True)[:batch_size])
            if not pks:
                break
            batch = entry.model._default_manager.filter(pk__in=pks)
            files = [name for field in entry.file_fields for name in batch.values_list(field, flat=True) if name]
            batch.delete()
            if not entry.files_deleted_by_signal:
                private_files_delete_on_commit(*files)
        rows_removed += len(pks)
        files_removed += len(files)
        if len(pks) < batch_size:
            break
    return rows_removed, files_removed


def _expired_sessions_clear() -> None:
    """Django sessions past their expiry (abandoned sign-ins, social sign-in state included) are removed too."""
    engine = import_module(settings.SESSION_ENGINE)
    with contextlib.suppress(NotImplementedError):  # cache-based sessions expire on their own
        engine.SessionStore.clear_expired()


def retention_sweep(*, now: datetime | None = None):
    """Delete every row past its declared retention period; returns the RetentionRun that records the counts."""
    from privacy.models import RetentionRun

    now = now or timezone.now()
    run = RetentionRun.objects.create(started_at=timezone.now())
    removed: dict[str, int] = {}
    files = 0
    for entry in _timed_entries():
        rows, entry_files = _delete_in_batches(entry, now, settings.RETENTION_BATCH_SIZE)
        removed[entry.label] = rows
        files += entry_files
        if rows:
            logger.info("Retention: removed %s rows of %s (%s)", rows, entry.label, entry.retention.describe())
    _expired_sessions_clear()
    run.removed = removed
    run.files_removed = files
    run.finished_at = timezone.now()
    run.save(update_fields=["removed", "files_removed", "finished_at"])
    return run


@dataclass(frozen=True)
class RetentionStatus:
    entry: PersonalDataEntry
    rows: int
    overdue: int  # rows past their period right now: the next run removes them
    last_removed: int | None


def retention_status(*, now: datetime | None = None) -> list[RetentionStatus]:
    """Per registered model: its rule, how many rows it holds, how many are due for removal, and the last run's
    count. For the staff "retention status" page."""
    from privacy.models import RetentionRun

    now = now or timezone.now()
    last = RetentionRun.objects.exclude(finished_at=None).first()
    found = []
    for entry in registered_entries():
        timed = entry.retention.effective_days is not None
        found.append(
            RetentionStatus(
                entry=entry,
                rows=entry.model._default_manager.count(),
                overdue=_expired(entry, now).count() if timed else 0,
                last_removed=last.removed.get(entry.label) if (last and timed) else None,
            )
        )
    return found
