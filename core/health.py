"""Readiness checks: can this process reach the database, the cache and the broker right now?"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.core.cache import cache
from django.db import connection

from config.celery import app as celery_app


def database_check() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def cache_check() -> None:
    key, token = f"readyz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, token, timeout=10)
    if cache.get(key) != token:
        raise RuntimeError("the cache did not return what was written")
    cache.delete(key)


def broker_check() -> None:
    with celery_app.connection_for_write() as broker:
        broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=3)


READINESS_CHECKS: dict[str, Callable[[], None]] = {
    "database": database_check,
    "cache": cache_check,
    "broker": broker_check,
}


def readiness_report() -> dict[str, str]:
    """``{"database": "ok", "broker": "unreachable (OperationalError)", ...}``.

    Only the exception's class is reported: the endpoint is public and must not reveal hosts or credentials.
    """
    report = {}
    for name, check in READINESS_CHECKS.items():
        try:
            check()
        except Exception as exc:
            report[name] = f"unreachable ({type(exc).__name__})"
        else:
            report[name] = "ok"
    return report
