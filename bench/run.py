"""Benchmarks of the foundation's hot paths, on the embedded default (SQLite) in a throw-away folder.

    make bench            # or: .venv/bin/python bench/run.py [--items 2000] [--requests 300]

Prints a table of measurements against targets and exits non-zero when a target is missed. Record results in
bench/RESULTS.md. Timings are never asserted in the test suite: they depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _setup(var_dir: str) -> None:
    os.environ["SESIOCLOSET_VAR_DIR"] = var_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as var_dir:
        _setup(var_dir)
        from django.conf import settings
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from accounts.models import User
        from closet.models import Item
        from core.storage import private_url

        settings.ALLOWED_HOSTS = ["testserver"]
        settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = []
        owner = User.objects.create_user(email="bench@example.com", password="bench-password-1")
        from closet.models import Category

        tops = Category.objects.get(slug="tops")
        Item.objects.bulk_create(
            Item(owner=owner, name=f"Garment {n}", category=tops, brand="Arket") for n in range(args.items)
        )
        client = Client()
        client.force_login(owner)

        rows = []

        # 1. A page of the closet over the API.
        client.get("/api/v1/items/")  # warm up
        samples = []
        for _ in range(args.requests):
            start = time.perf_counter()
            response = client.get("/api/v1/items/?page=3")
            samples.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
        with CaptureQueriesContext(connection) as queries_50:
            client.get("/api/v1/items/?page_size=50")
        with CaptureQueriesContext(connection) as queries_200:
            client.get("/api/v1/items/?page_size=200")
        p95 = _percentile(samples, 95)
        rows.append((f"GET /api/v1/items/ (50 of {args.items}), p50 ms", statistics.median(samples), None))
        rows.append((f"GET /api/v1/items/ (50 of {args.items}), p95 ms", p95, 50.0))
        rows.append(("queries per page, 50 vs 200 items", f"{len(queries_50)} vs {len(queries_200)}", None))
        constant_queries = len(queries_50) == len(queries_200)

        # 2. Signed URLs: a closet page will sign one per thumbnail.
        start = time.perf_counter()
        for n in range(10_000):
            private_url(f"photos/{n:08d}.jpg")
        per_url_us = (time.perf_counter() - start) / 10_000 * 1e6
        rows.append(("signed private URL, µs each", per_url_us, 50.0))

        # 3. Readiness probe (database, cache, filesystem broker).
        samples = []
        for _ in range(100):
            start = time.perf_counter()
            assert client.get("/readyz").status_code == 200
            samples.append((time.perf_counter() - start) * 1000)
        rows.append(("GET /readyz, p95 ms", _percentile(samples, 95), 25.0))

    failed = not constant_queries
    print(f"{'measure':55} {'result':>14} {'target':>8}")
    for name, value, target in rows:
        shown = f"{value:.2f}" if isinstance(value, float) else str(value)
        verdict = ""
        if target is not None:
            ok = value <= target
            failed |= not ok
            verdict = "ok" if ok else "MISSED"
        print(f"{name:55} {shown:>14} {'' if target is None else f'<= {target:g}':>8} {verdict}")
    print("queries independent of page size:", "ok" if constant_queries else "MISSED")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
