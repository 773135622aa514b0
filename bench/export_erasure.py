"""Benchmark: the data export of a big closet (time, peak memory) and the erasure sweep (accounts per second).

    .venv/bin/python bench/export_erasure.py                          # both parts on SQLite
    .venv/bin/python bench/export_erasure.py --database postgres      # both parts on PostgreSQL
    .venv/bin/python bench/export_erasure.py --part export --photo-kib 200 --sizes 250,1000   # big photos

Everything happens in a throw-away folder (``SESIOCLOSET_VAR_DIR``, so MEDIA_ROOT is temporary too) and, with
``--database postgres``, in a throw-away ``test_sc_bench_export`` database on
``postgres://postgres@127.0.0.1:5432/sc_bench_export`` (created and dropped by the script, as closet_list.py does).
Photos are real JPEG bytes written to private storage: an ``original`` of about ``--photo-kib`` KiB and a
``thumbnail`` of about 2 KiB per item.

Export (issue #7: "time and peak memory; peak memory must not grow with the closet"): for each closet size
(default 250, 500 and 1,000 items, each with one photo, 1-2 colours and 3 wears), ``export_start`` then
``export_build``, the very service the Celery task calls, twice:

* once untraced, for the wall time and the growth of the process's peak RSS during the build (the kernel's
  high-water mark is reset first through /proc/self/clear_refs, so the number is the build's own);
* once under ``tracemalloc``, whose peak (every Python allocation made during the build) is the main number.

Each bundle is opened afterwards: every photo and thumbnail must be in ``files/``, no file may be missing.
The script prints peak(largest) / peak(smallest) and exits non-zero above ``PEAK_RATIO_LIMIT``.

Erasure (issue #7: "accounts per second for accounts of 100 items with photos", on PostgreSQL): ``--accounts``
accounts of ``--items-per-account`` items, each with a photo and 3 wears, closed with ``account_erasure_start``;
then ``account_erasures_due_run(now=<ten years on>)`` is timed. Afterwards it asserts that every account was
erased, that no user, item, photo or wear row of theirs is left, that each of their files is gone from MEDIA_ROOT
and that the receipts count exactly those files, so the benchmark cannot report a sweep that did not happen.

Not a test: timings depend on the machine. Record results in bench/README.md ("Export and erasure").
"""

from __future__ import annotations

import argparse
import datetime
import gc
import io
import logging
import os
import random
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/sc_bench_export"
# peak(largest closet) / peak(smallest): "must not grow with the closet". Not 1.0: the ZIP's central directory
# (one ZipInfo per member, about 0.5 KiB) stays in memory until the bundle is closed, so 4x the files costs ~1 MiB.
PEAK_RATIO_LIMIT = 2.0
WEARS_PER_ITEM = 3


def _setup(var_dir: str, database: str) -> bool:
    """Django on a fresh database; True when it is a PostgreSQL test database the caller must drop."""
    os.environ["SESIOCLOSET_VAR_DIR"] = var_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.pop("REDIS_URL", None)
    os.environ.pop("AWS_STORAGE_BUCKET_NAME", None)
    if database == "postgres":
        os.environ["DATABASE_URL"] = POSTGRES_URL
    else:
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from privacy import tasks

    # The benchmark calls the services the tasks call; nothing is queued for a worker that does not run.
    tasks.export_build.delay = lambda *args, **kwargs: None
    tasks.account_erasure_notice_send.delay = lambda *args, **kwargs: None
    if database == "postgres":
        connection.creation.create_test_db(verbosity=0, autoclobber=True)  # test_<name>: never the real one
        return True
    call_command("migrate", verbosity=0)
    return False


def _jpeg(kib: float, seed: int) -> bytes:
    """A real JPEG of about ``kib`` KiB: smooth colour for small ones, noise (incompressible, like a photo's
    detail) grown until the size is reached for big ones."""
    from PIL import Image

    rng = random.Random(seed)
    if kib <= 4:
        picture = Image.frombytes("RGB", (4, 4), rng.randbytes(48)).resize((64, 64), Image.Resampling.BICUBIC)
        grain = Image.frombytes("RGB", (64, 64), rng.randbytes(64 * 64 * 3))
        picture = Image.blend(picture, grain, 0.05)
        buffer = io.BytesIO()
        picture.save(buffer, format="JPEG", quality=85)
        return buffer.getvalue()
    side = 64
    while True:
        grain = Image.frombytes("RGB", (side, side), rng.randbytes(side * side * 3))
        buffer = io.BytesIO()
        grain.save(buffer, format="JPEG", quality=75)
        if buffer.tell() >= kib * 1024:
            return buffer.getvalue()
        side = int(side * 1.15) + 1


def _closet(owner, count: int, original: bytes, thumbnail: bytes, seed: int) -> list[str]:
    """``count`` items in bulk, each with 1-2 colours, 3 wears and one READY photo whose two files are really
    stored; returns the stored file names."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from closet.models import Category, Colour, Item, ItemPhoto, PhotoStatus, Wear

    rng = random.Random(seed)
    mains = list(Category.objects.filter(parent__isnull=True))
    colours = list(Colour.objects.all())
    items = Item.objects.bulk_create(
        (
            Item(
                owner=owner,
                name=f"{rng.choice(['Navy', 'White', 'Camel', 'Black', 'Olive'])} garment {n}",
                category=rng.choice(mains),
                brand=rng.choice(["Arket", "COS", "Uniqlo", "Levi's", ""]),
                material=rng.choice(["cotton", "wool", "linen", ""]),
                notes="Bought for the bench. " * rng.randint(0, 4),
            )
            for n in range(count)
        ),
        batch_size=500,
    )
    item_colours = Item.colours.through
    item_colours.objects.bulk_create(
        (
            item_colours(item_id=item.pk, colour_id=c.pk)
            for item in items
            for c in rng.sample(colours, rng.randint(1, 2))
        ),
        batch_size=1000,
    )
    today = datetime.date(2026, 11, 1)
    Wear.objects.bulk_create(
        (
            Wear(owner=owner, item=item, worn_on=today - datetime.timedelta(days=day))
            for item in items
            for day in rng.sample(range(365), WEARS_PER_ITEM)
        ),
        batch_size=1000,
    )
    names: list[str] = []
    photos = []
    for item in items:
        original_name = default_storage.save(f"photos/{item.pk.hex}.jpg", ContentFile(original))
        thumbnail_name = default_storage.save(f"thumbnails/{item.pk.hex}.jpg", ContentFile(thumbnail))
        names += [original_name, thumbnail_name]
        photos.append(
            ItemPhoto(
                owner=owner,
                item=item,
                is_primary=True,
                status=PhotoStatus.READY,
                original=original_name,
                thumbnail=thumbnail_name,
                width=64,
                height=64,
            )
        )
    ItemPhoto.objects.bulk_create(photos, batch_size=1000)
    return names


def _hwm_reset() -> bool:
    """Reset the kernel's peak-RSS mark of this process to its current RSS (Linux >= 4.0); False if unavailable."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def _status_kib(key: str) -> int:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise LookupError(key)


def _export_once(owner, *, traced: bool):
    """One export build of ``owner``'s data; returns (job, seconds, tracemalloc peak bytes, RSS peak growth KiB)."""
    from django.db import transaction

    from privacy.models import ExportJob, ExportStatus
    from privacy.services import export_build, export_start

    with transaction.atomic():
        job = export_start(owner=owner)
    gc.collect()
    rss_before = None
    if traced:
        tracemalloc.start()
    elif _hwm_reset():
        rss_before = _status_kib("VmRSS")
    started = time.perf_counter()
    export_build(job_id=job.pk)
    seconds = time.perf_counter() - started
    peak, rss_growth = 0, None
    if traced:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    elif rss_before is not None:
        rss_growth = _status_kib("VmHWM") - rss_before
    job = ExportJob.objects.get(pk=job.pk)
    assert job.status == ExportStatus.READY, (job.status, job.error)
    return job, seconds, peak, rss_growth


def _bundle_check(job, stored_names: list[str], items: int) -> tuple[int, int]:
    """Open the bundle: every stored photo file is in files/, none missing, all items in data.json's table."""
    import json

    from privacy.exports import bundle_path_of

    with job.bundle.open("rb") as handle, zipfile.ZipFile(handle) as bundle:
        members = set(bundle.namelist())
        manifest = json.loads(bundle.read("manifest.json"))
    assert manifest["missing_files"] == [], manifest["missing_files"][:5]
    files = {name for name in members if name.startswith("files/")}
    absent = [name for name in stored_names if bundle_path_of(name) not in files]
    assert not absent, f"{len(absent)} stored files not in the bundle, e.g. {absent[:3]}"
    rows = {table["table"]: table["rows"] for table in manifest["tables"]}
    assert rows["closet.Item"] == items, rows["closet.Item"]
    assert rows["closet.ItemPhoto"] == items, rows["closet.ItemPhoto"]
    return len(files), rows["closet.Wear"]


def _export_part(sizes: list[int], photo_kib: float) -> bool:
    from accounts.models import User

    original, thumbnail = _jpeg(photo_kib, 1), _jpeg(2, 2)
    print(f"\nexport: photo original {len(original) / 1024:.1f} KiB, thumbnail {len(thumbnail) / 1024:.1f} KiB")
    results = []
    for position, size in enumerate(sizes):
        owner = User.objects.create_user(email=f"export-{size}@example.com", password=None)
        started = time.perf_counter()
        names = _closet(owner, size, original, thumbnail, seed=position)
        setup_seconds = time.perf_counter() - started
        job, seconds, _, rss_growth = _export_once(owner, traced=False)
        _bundle_check(job, names, size)
        traced_job, traced_seconds, peak, _ = _export_once(owner, traced=True)
        files, wears = _bundle_check(traced_job, names, size)
        stored_bytes = sum(len(original) + len(thumbnail) for _ in range(size))
        results.append((size, files, wears, stored_bytes, job.bundle_size, seconds, traced_seconds, peak, rss_growth))
        print(f"  {size} items set up in {setup_seconds:.1f} s")

    print(
        f"{'items':>6} {'files':>6} {'wears':>6} {'photos MiB':>10} {'bundle MiB':>10} {'seconds':>8} "
        f"{'traced s':>8} {'tracemalloc peak MiB':>20} {'RSS peak growth MiB':>19}"
    )
    for size, files, wears, stored, bundle, seconds, traced_seconds, peak, rss in results:
        rss_text = f"{rss / 1024:19.1f}" if rss is not None else f"{'n/a':>19}"
        print(
            f"{size:6d} {files:6d} {wears:6d} {stored / 2**20:10.1f} {bundle / 2**20:10.1f} {seconds:8.2f} "
            f"{traced_seconds:8.2f} {peak / 2**20:20.2f} {rss_text}"
        )
    ratio = results[-1][7] / results[0][7]
    if len(results) > 1:
        per_file = (results[-1][7] - results[0][7]) / (results[-1][1] - results[0][1])
        print(f"peak growth per stored file: {per_file / 1024:.2f} KiB (zipfile keeps a ZipInfo per member)")
    ok = ratio <= PEAK_RATIO_LIMIT
    print(
        f"tracemalloc peak({results[-1][0]}) / peak({results[0][0]}) = {ratio:.2f} "
        f"(limit {PEAK_RATIO_LIMIT:g}): {'ok' if ok else 'GROWS'}"
    )
    return ok


def _erasure_part(accounts: int, items_per_account: int) -> None:
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from accounts.models import User
    from closet.models import Item, ItemPhoto, Wear
    from core.storage import private_storage_walk
    from privacy.erasure import account_erasure_start, account_erasures_due_run
    from privacy.models import AccountErasure, ErasureStatus

    original, thumbnail = _jpeg(2, 3), _jpeg(2, 4)
    started = time.perf_counter()
    users, names = [], []
    for n in range(accounts):
        user = User.objects.create_user(email=f"erase-{n}@example.com", password=None)
        names += _closet(user, items_per_account, original, thumbnail, seed=100 + n)
        account_erasure_start(user=user, actor=user)
        users.append(user)
    setup_seconds = time.perf_counter() - started
    ids = [user.pk for user in users]
    files_before = sum(1 for _ in private_storage_walk())
    assert all(default_storage.exists(name) for name in names)
    print(
        f"\nerasure: {accounts} closed accounts of {items_per_account} items, each item with a photo (2 files) "
        f"and {WEARS_PER_ITEM} wears, set up in {setup_seconds:.1f} s"
    )

    logging.getLogger("privacy.erasure").setLevel(logging.WARNING)  # not one INFO line per erased account
    started = time.perf_counter()
    erased = account_erasures_due_run(now=timezone.now() + datetime.timedelta(days=3650))
    seconds = time.perf_counter() - started

    assert erased == accounts, f"only {erased} of {accounts} accounts erased (the sweep logs why)"
    assert not User.objects.filter(pk__in=ids).exists()
    for model in (Item, ItemPhoto, Wear):
        assert not model.objects.filter(owner_id__in=ids).exists(), model
    left = [name for name in names if default_storage.exists(name)]
    assert not left, f"{len(left)} files of erased accounts still stored, e.g. {left[:3]}"
    files_after = sum(1 for _ in private_storage_walk())
    assert files_before - files_after == len(names), (files_before, files_after, len(names))
    receipts = AccountErasure.objects.filter(status=ErasureStatus.COMPLETED)
    assert receipts.count() == accounts
    files_removed = sum(receipts.values_list("files_removed", flat=True))
    assert files_removed == len(names), (files_removed, len(names))

    print(f"{'accounts':>8} {'items':>6} {'files removed':>13} {'seconds':>8} {'accounts/s':>10} {'s/account':>9}")
    print(
        f"{accounts:8d} {accounts * items_per_account:6d} {files_removed:13d} {seconds:8.2f} "
        f"{accounts / seconds:10.2f} {seconds / accounts:9.3f}"
    )
    print(f"verified: users, items, photos and wears gone; their {files_removed} files gone from MEDIA_ROOT")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--part", choices=("both", "export", "erasure"), default="both")
    parser.add_argument("--sizes", default="250,500,1000", help="closet sizes for the export, comma-separated")
    parser.add_argument("--photo-kib", type=float, default=2, help="size of each photo original (KiB)")
    parser.add_argument("--accounts", type=int, default=20)
    parser.add_argument("--items-per-account", type=int, default=100)
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.sizes.split(","))

    with tempfile.TemporaryDirectory(prefix="bench-export-") as var_dir:
        drop_database = _setup(var_dir, args.database)
        from django.conf import settings
        from django.db import connection

        where = f"PostgreSQL {connection.pg_version}" if drop_database else "SQLite"
        print(f"database: {where}; MEDIA_ROOT {settings.MEDIA_ROOT}")
        if args.part != "export" and not drop_database:
            print("note: the issue asks for the erasure sweep on PostgreSQL (--database postgres)")
        ok = True
        try:
            if args.part in ("both", "export"):
                ok = _export_part(sizes, args.photo_kib)
            if args.part in ("both", "erasure"):
                _erasure_part(args.accounts, args.items_per_account)
        finally:
            if drop_database:
                connection.creation.destroy_test_db(settings.DATABASES["default"]["NAME"], verbosity=0)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
