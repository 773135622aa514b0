"""Files follow rows: the sweep deletes stored files that no row points to, and nothing else."""

from __future__ import annotations

import os
import time
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, models
from django.test.utils import isolate_apps

from core.services import private_storage_orphans_sweep
from core.tasks import private_storage_orphans_sweep as sweep_task


def _stored(name: str, *, age: timedelta) -> str:
    saved = default_storage.save(name, ContentFile(b"x"))
    then = time.time() - age.total_seconds()
    os.utime(default_storage.path(saved), (then, then))
    return saved


@pytest.mark.django_db(transaction=True)
@isolate_apps("core")
def test_the_sweep_deletes_old_orphans_and_keeps_referenced_and_young_files(monkeypatch):
    class Attachment(models.Model):
        file = models.FileField()

        class Meta:
            app_label = "core"

    real_get_models = apps.get_models
    monkeypatch.setattr(apps, "get_models", lambda *a, **k: [*real_get_models(*a, **k), Attachment])
    with connection.schema_editor() as editor:
        editor.create_model(Attachment)
    try:
        referenced = _stored("photos/kept.jpg", age=timedelta(days=30))
        Attachment.objects.create(file=referenced)
        orphan = _stored("photos/left-behind.jpg", age=timedelta(days=2))
        nested_orphan = _stored("exports/2026/old.zip", age=timedelta(days=2))
        young = _stored("photos/just-uploaded.jpg", age=timedelta(minutes=5))

        deleted = private_storage_orphans_sweep()

        assert sorted(deleted) == sorted([orphan, nested_orphan])
        assert default_storage.exists(referenced)
        assert default_storage.exists(young)
        assert not default_storage.exists(orphan) and not default_storage.exists(nested_orphan)
    finally:
        with connection.schema_editor() as editor:
            editor.delete_model(Attachment)


@pytest.mark.django_db
def test_the_beat_task_runs_the_sweep():
    orphan = _stored("photos/left-behind.jpg", age=timedelta(days=2))
    sweep_task.apply()
    assert not default_storage.exists(orphan)


@pytest.mark.django_db
def test_the_demo_account_has_a_sample_closet_and_seeding_twice_changes_nothing():
    from django.contrib.auth import authenticate

    from core.demo import DEMO_EMAIL, DEMO_PASSWORD, SAMPLE_CLOSET, demo_account_ensure

    user, created = demo_account_ensure()
    assert created
    assert authenticate(email=DEMO_EMAIL, password=DEMO_PASSWORD) == user
    assert user.closet_items.count() == len(SAMPLE_CLOSET)
    user.closet_items.first().delete()

    again, created_again = demo_account_ensure()
    assert again == user and not created_again
    assert user.closet_items.count() == len(SAMPLE_CLOSET) - 1
