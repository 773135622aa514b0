"""/healthz says the process is up; /readyz says whether the database, cache and broker answer."""

from __future__ import annotations

import pytest
from django.db.utils import OperationalError
from django.test import override_settings

from config.celery import app as celery_app
from core import health

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_touching_other_services(client, monkeypatch):
    monkeypatch.setitem(health.READINESS_CHECKS, "database", lambda: (_ for _ in ()).throw(OperationalError()))
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_is_ok_when_everything_answers(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json()["checks"] == {"database": "ok", "cache": "ok", "broker": "ok"}


def test_readyz_names_an_unreachable_broker(client, monkeypatch):
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:9/0")
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["broker"].startswith("unreachable")
    assert "broker" in body["detail"]
    assert body["checks"]["database"] == "ok"


def test_readyz_names_an_unreachable_cache(client):
    # Restored inside the test, so the suite's cache cleanup after it talks to the real cache again.
    unreachable = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:9/0"}
    }
    with override_settings(CACHES=unreachable):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"].startswith("unreachable")


def test_readyz_names_an_unreachable_database_without_revealing_details(client, monkeypatch):
    def broken_cursor():
        raise OperationalError('could not connect to server at "db.internal" (10.0.0.5)')

    monkeypatch.setattr(health.connection, "cursor", broken_cursor)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "unreachable (OperationalError)"
    assert b"db.internal" not in response.content
