"""Celery: tasks take ids only, store no results, acknowledge late; a real worker process changes a real row."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from config.celery import PersonalDataInTaskArguments, task_arguments_check
from config.celery import app as celery_app
from core.tasks import private_storage_orphans_sweep
from tests.closet.factories import ItemFactory

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("value", [42, "42", uuid.uuid4(), str(uuid.uuid4()), None])
def test_ids_are_accepted_as_task_arguments(value):
    task_arguments_check("closet.tasks.anything", [value], {"other_id": value})


@pytest.mark.parametrize("value", ["alice@example.com", {"email": "alice@example.com"}, ["a"], b"bytes", 1.5])
def test_anything_but_an_id_is_refused_before_it_reaches_the_broker(value):
    with pytest.raises(PersonalDataInTaskArguments, match="must be ids"):
        private_storage_orphans_sweep.delay(value)
    with pytest.raises(PersonalDataInTaskArguments, match="'user'"):
        private_storage_orphans_sweep.apply_async(kwargs={"user": value})


def test_results_are_not_stored_and_tasks_are_acknowledged_after_they_finish():
    assert celery_app.conf.task_ignore_result is True
    assert celery_app.conf.result_backend is None
    assert celery_app.conf.task_acks_late is True
    assert celery_app.conf.task_reject_on_worker_lost is True


LIVE = bool(settings.REDIS_URL) and connection.vendor == "postgresql"


@pytest.mark.live_worker
@pytest.mark.skipif(not LIVE, reason="needs DATABASE_URL (PostgreSQL) and REDIS_URL")
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_process_changes_a_row(user):
    item = ItemFactory(owner=user, notes="")
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    database_url = f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    queue = f"test-{uuid.uuid4().hex}"
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "-I",
            "tests.core.worker_tasks",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url, "REDIS_URL": settings.REDIS_URL},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        celery_app.send_task(
            "tests.core.worker_tasks.closet_item_mark_seen_by_worker", args=[str(item.pk)], queue=queue
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and worker.poll() is None:
            item.refresh_from_db()
            if item.notes == "seen by the worker":
                break
            time.sleep(0.25)
        assert item.notes == "seen by the worker", "the worker did not change the row in time"
    finally:
        worker.terminate()
        output = worker.communicate(timeout=30)[0].decode(errors="replace")
    assert "Traceback" not in output, output[-2000:]
