"""The data export bundle (RGT-1 right of access, RGT-2 portability): one ZIP, driven entirely by the registry.

Every registered model whose declaration says ``Export.rows()`` is exported, with the fields its declaration does
not exclude, so a new model is exported without editing this file. The bundle is written to a temporary file on
disk row by row (querysets are iterated in chunks, JSON and CSV are streamed into the ZIP members), so memory
stays flat however large the closet is. The format is documented in docs/export.md.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import shutil
import uuid
import zipfile
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone

from privacy.purposes import purpose_get
from privacy.registry import PersonalDataEntry, registered_entries
from privacy.selectors import consent_history

SCHEMA_VERSION = "1"
CHUNK_SIZE = 1024 * 1024  # bytes copied at a time from storage into the bundle
ROW_CHUNK = 500  # rows fetched from the database at a time


def exported_entries() -> list[PersonalDataEntry]:
    """The registry's entries that go into an export, in a stable order."""
    return [entry for entry in registered_entries() if entry.export.included]


def exported_fields(entry: PersonalDataEntry) -> list[models.Field]:
    """The columns of a table in the export: concrete fields, minus the declared secrets and the owner link."""
    excluded = set(entry.export.exclude)
    if "__" not in entry.owner and entry.owner != "self":
        excluded.add(entry.owner)  # the row's link to its own person says nothing new
    return [f for f in entry.model._meta.concrete_fields if f.name not in excluded]


def column_name(field: models.Field) -> str:
    """Foreign keys are exported as the related row's id, under ``<field>_id``."""
    return field.attname


def bundle_path_of(stored_name: str) -> str:
    """Where a stored file lands inside the ZIP."""
    return f"files/{stored_name}"


def _json_safe(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return str(value)


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def _rows(entry: PersonalDataEntry, user, fields: list[models.Field]) -> Iterator[tuple]:
    """The user's rows as tuples of raw values; only the exported columns are ever read from the database."""
    queryset = entry.rows_of(user).order_by("pk").values_list(*(f.attname for f in fields))
    return queryset.iterator(chunk_size=ROW_CHUNK)


class _Text(io.TextIOWrapper):
    """A UTF-8 text stream over a ZIP member opened for writing."""

    def __init__(self, zf: zipfile.ZipFile, name: str) -> None:
        super().__init__(zf.open(name, "w", force_zip64=True), encoding="utf-8", newline="")


def bundle_write(
    path: Path, *, user, workdir: Path, on_progress: Callable[[int], None] = lambda percent: None
) -> dict[str, Any]:
    """Write the whole export of ``user`` to the ZIP at ``path``; returns the manifest.

    ``workdir`` is a private temporary folder for the per-table CSV files (written during the one pass over the
    database that also writes data.json, so JSON and CSV describe the same rows). Progress is reported in
    percent, about every tenth of the tables.
    """
    entries = exported_entries()
    tables: list[dict[str, Any]] = []
    file_list = workdir / "files.txt"  # names of stored files to copy, one per line: never a list in memory
    last_reported = 0

    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
        with _Text(zf, "data.json") as data, open(file_list, "w", encoding="utf-8") as to_copy:
            data.write("{")
            for position, entry in enumerate(entries):
                fields = exported_fields(entry)
                file_columns = {f.attname for f in fields if isinstance(f, models.FileField)}
                columns = [column_name(f) for f in fields]
                csv_name = f"csv/{entry.label}.csv"
                count = 0
                file_count = 0
                data.write(("," if position else "") + "\n" + json.dumps(entry.label) + ": [")
                with open(workdir / f"{entry.label}.csv", "w", encoding="utf-8", newline="") as csv_file:
                    writer = csv.writer(csv_file)
                    writer.writerow(columns)
                    for raw in _rows(entry, user, fields):
                        values = []
                        for field, value in zip(fields, raw, strict=True):
                            if field.attname in file_columns:
                                if value:
                                    to_copy.write(value + "\n")
                                    file_count += 1
                                values.append(bundle_path_of(value) if value else None)
                            else:
                                values.append(_json_safe(value))
                        data.write(("," if count else "") + "\n  ")
                        data.write(json.dumps(dict(zip(columns, values, strict=True)), ensure_ascii=False))
                        writer.writerow([_csv_cell(v) for v in values])
                        count += 1
                data.write("\n]" if count else "]")
                tables.append(
                    {
                        "table": entry.label,
                        "category": str(entry.category),
                        "label": str(entry.model._meta.verbose_name_plural),
                        "description": entry.description,
                        "rows": count,
                        "columns": columns,
                        "excluded_fields": sorted(set(entry.export.exclude)),
                        "files": ["data.json", csv_name],
                        "stored_files": file_count,
                    }
                )
                percent = int((position + 1) * 80 / len(entries))
                if percent >= last_reported + 8:  # every ~10% of the tables
                    on_progress(percent)
                    last_reported = percent
            data.write("\n}\n")

        for table in tables:
            zf.write(workdir / f"{table['table']}.csv", arcname=f"csv/{table['table']}.csv")
        on_progress(85)

        missing = _copy_files(zf, file_list)
        on_progress(95)

        consent_events = _write_consent_history(zf, user)

        manifest = {
            "schema_version": SCHEMA_VERSION,
            "generated_at": timezone.now().isoformat(),
            "account": {"email": user.email},
            "contents": {
                "manifest.json": "This file: what the bundle holds.",
                "data.json": "Every row about you, by table.",
                "csv/": "The same rows, one CSV file per table.",
                "files/": "Your stored files (photos and others), under their stored path.",
                "consent_history.json": "Every consent choice, with the words you were shown.",
            },
            "tables": tables,
            "consent_history": {"file": "consent_history.json", "events": consent_events},
            "missing_files": missing,
        }
        with _Text(zf, "manifest.json") as out:
            json.dump(manifest, out, ensure_ascii=False, indent=2)
    return manifest


def _copy_files(zf: zipfile.ZipFile, file_list: Path) -> list[str]:
    """Stream each listed stored file into ``files/``; return the bundle paths of files that were missing."""
    missing: list[str] = []
    copied: set[str] = set()
    with open(file_list, encoding="utf-8") as names:
        for line in names:
            name = line.rstrip("\n")
            if not name or name in copied:
                continue
            copied.add(name)
            try:
                source = default_storage.open(name, "rb")
            except FileNotFoundError:
                missing.append(bundle_path_of(name))
                continue
            with source, zf.open(bundle_path_of(name), "w", force_zip64=True) as target:
                shutil.copyfileobj(source, target, CHUNK_SIZE)
    return missing


def _notice_text(purpose: str, version: str) -> str | None:
    try:
        notice = purpose_get(purpose).notice_version(version)
    except LookupError:
        return None
    return notice.text if notice else None


def _write_consent_history(zf: zipfile.ZipFile, user) -> int:
    """consent_history.json: every event the log holds about the person, with the notice they were shown."""
    count = 0
    fields = ("purpose", "notice_version", "notice_digest", "choice", "method", "channel", "origin", "ip_truncated")
    with _Text(zf, "consent_history.json") as out:
        out.write("[")
        for event in consent_history(user).iterator(chunk_size=ROW_CHUNK):
            record = {name: getattr(event, name) for name in fields}
            record["created_at"] = event.created_at.isoformat()
            record["notice_text"] = _notice_text(event.purpose, event.notice_version)
            out.write(("," if count else "") + "\n  " + json.dumps(record, ensure_ascii=False))
            count += 1
        out.write("\n]\n" if count else "]\n")
    return count
