"""Writes that belong to no single domain app."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone

from core.storage import private_storage_walk

logger = logging.getLogger(__name__)


def _referenced_file_names() -> set[str]:
    """The name of every file that some row of some model still points to."""
    referenced: set[str] = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField) and field.model is model:
                names = model._base_manager.exclude(**{field.name: ""}).values_list(field.name, flat=True)
                referenced.update(name for name in names.iterator() if name)
    return referenced


def private_storage_orphans_sweep(*, now: datetime | None = None, grace: timedelta | None = None) -> list[str]:
    """Delete stored files that no row points to any more ("files follow rows": this catches what slipped).

    A file younger than ``grace`` is left alone: its row may be in a transaction that has not committed yet.
    Returns the deleted names.
    """
    now = now or timezone.now()
    grace = settings.ORPHAN_FILE_GRACE if grace is None else grace
    referenced = _referenced_file_names()
    deleted = []
    for name in private_storage_walk():
        if name in referenced:
            continue
        if default_storage.get_modified_time(name) > now - grace:
            continue
        default_storage.delete(name)
        deleted.append(name)
    if deleted:
        logger.info("Deleted %d orphaned private file(s).", len(deleted))
    return deleted
