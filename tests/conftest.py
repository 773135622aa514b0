"""Fixtures every test can use: ``user`` (alice, the owner), ``other_user`` (bob), ``api_client`` (signed in
as alice), and a private-storage folder of its own for every test.

In CI (``CI`` set) a skipped test fails the run: every test must run there.
"""

from __future__ import annotations

import os

import pytest
from rest_framework.test import APIClient

from tests.accounts.factories import UserFactory

IN_CI = bool(os.environ.get("CI"))


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["tests.hashers.FastArgon2PasswordHasher", *settings.PASSWORD_HASHERS]


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    from privacy.selectors import material_policies_forget

    cache.clear()
    material_policies_forget()  # a process-wide memo of what another test's database held
    yield
    cache.clear()
    material_policies_forget()


@pytest.fixture(autouse=True)
def _builtin_taxonomy(request):
    """The categories and colours a migration loads are wiped by transactional tests' flush; put them back."""
    if not (
        {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    ) and not request.node.get_closest_marker("django_db"):
        return
    request.getfixturevalue("transactional_db" if _is_transactional(request) else "db")
    from closet.models import Category, Colour
    from closet.taxonomy import taxonomy_load

    if not Category.objects.exists():
        taxonomy_load(Category, Colour)


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return bool(
        (marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
        or {"transactional_db", "live_server"} & set(request.fixturenames)
    )


@pytest.fixture
def user(db):
    return UserFactory(email="alice@example.com", display_name="Alice")


@pytest.fixture
def other_user(db):
    return UserFactory(email="bob@example.com", display_name="Bob")


@pytest.fixture
def api_client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def anonymous_api_client():
    return APIClient()


_skipped: list[str] = []


def pytest_runtest_logreport(report):
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    if IN_CI and _skipped and exitstatus == 0:
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter):
    if IN_CI and _skipped:
        terminalreporter.write_line(
            f"CI forbids skipped tests; {len(_skipped)} were skipped: " + ", ".join(_skipped[:10]), red=True
        )


@pytest.fixture
def celery_eager():
    """Run tasks enqueued with .delay() in-process, at once, raising their errors (for tests of what a task
    does; tests/core/test_celery.py and the live-worker tests cover the real broker and worker)."""
    from config.celery import app as celery_app

    before = (celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates)
    celery_app.conf.task_always_eager = celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = before
