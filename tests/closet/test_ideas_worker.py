"""A worker killed in the middle of an outfit-idea job: the job still completes once a worker is back (late
acknowledgement + idempotent steps). Real worker processes, real Redis broker, real PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from closet.models import JobStatus, OutfitJob, Suggestion
from config.celery import app as celery_app
from tests.closet.test_ideas import _closet

ROOT = Path(__file__).resolve().parents[2]
LIVE = bool(settings.REDIS_URL) and connection.vendor == "postgresql"


def _worker(queue: str, marker: Path) -> subprocess.Popen:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    environment = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_VISIBILITY_TIMEOUT": "3",  # a dead worker's task comes back after 3 s, not an hour
        "SESIOCLOSET_TEST_MARKER": str(marker),
    }
    return subprocess.Popen(
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
            "tests.closet.worker_hooks",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def _wait(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.live_worker
@pytest.mark.skipif(not LIVE, reason="needs DATABASE_URL (PostgreSQL) and REDIS_URL")
@pytest.mark.django_db(transaction=True)
def test_a_job_survives_its_worker_being_killed(user, tmp_path):
    _closet(user)
    job = OutfitJob.objects.create(owner=user, occasion="office")
    queue, marker = f"test-{uuid.uuid4().hex}", tmp_path / "first-attempt"

    first = _worker(queue, marker)
    try:
        celery_app.send_task("closet.tasks.ideas.outfit_job_run", args=[str(job.pk)], queue=queue)
        _wait(lambda: marker.exists(), 60, "the first attempt to start")
        job.refresh_from_db()
        assert job.status == JobStatus.RUNNING
        first.send_signal(signal.SIGKILL)  # a crash: no chance to acknowledge or clean up
        first.wait(timeout=30)
    finally:
        if first.poll() is None:
            first.kill()

    second = _worker(queue, marker)
    try:
        _wait(lambda: OutfitJob.objects.get(pk=job.pk).is_finished, 60, "the job to finish")
    finally:
        second.terminate()
        output = second.communicate(timeout=30)[0].decode(errors="replace")
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.attempts == 2 and job.progress == 100
    assert Suggestion.objects.filter(job=job).exists(), output[-2000:]
