"""CSV export and import of closet items. The column set is documented in docs/csv.md.

Export writes the user's own items, one per row, and protects spreadsheet users from CSV injection: a cell that
starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is written with a leading ``'``, so no
spreadsheet runs it as a formula. Import reverses exactly that, so a round trip reproduces the items.

Import checks the whole file first (size, encoding, header), then every row on its own: a good row becomes an
item (source IMPORT) through ``closet_item_create``, a bad row is reported by its line number with the reason,
and nothing of a bad row is kept. One bad row never stops the others.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from closet.models import SEASONS, Category, Colour, Item, ItemStatus, Pattern, Source
from closet.selectors.items import item_list
from closet.services.items import closet_item_create
from core.images import human_bytes

COLUMNS: tuple[str, ...] = (
    "name",
    "category",
    "subcategory",
    "colours",
    "pattern",
    "material",
    "brand",
    "size",
    "seasons",
    "formality",
    "warmth",
    "price",
    "currency",
    "purchase_date",
    "status",
    "wash_interval",
    "tags",
    "notes",
)
REQUIRED_COLUMNS = ("name", "category")
LIST_SEPARATOR = "|"
DEFAULT_MAX_BYTES = 2 * 1024 * 1024
DEFAULT_MAX_ROWS = 5000

# OWASP's list of characters that make a spreadsheet treat a cell as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_ESCAPE = "'"


class CsvRejected(ValueError):
    """The file as a whole cannot be imported (too big, not UTF-8 text, a bad header, broken quoting).

    Nothing was imported. ``message`` is for people.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class RowError:
    line: int
    reasons: tuple[str, ...]

    def __str__(self) -> str:
        return f"line {self.line}: {'; '.join(self.reasons)}"


@dataclass
class ImportReport:
    created: list[Item] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def csv_max_bytes() -> int:
    return int(getattr(settings, "CLOSET_CSV_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def csv_max_rows() -> int:
    return int(getattr(settings, "CLOSET_CSV_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


# --- export ---------------------------------------------------------------------------------------------------------


def closet_items_csv_export(*, user, out: IO[str]) -> int:
    """Write the user's items (all of them, any status, oldest first) as CSV to ``out``; returns how many.

    Only the user's own rows are read (``item_list``). Cells that a spreadsheet would run as a formula are
    escaped with a leading ``'`` (CSV injection).
    """
    items = (
        item_list(user=user)
        .select_related("category", "subcategory")
        .prefetch_related("colours", "tags")
        .order_by("created_at", "pk")
    )
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    count = 0
    for item in items.iterator(chunk_size=500):
        writer.writerow([_escape_formula(value) for value in _row(item)])
        count += 1
    return count


def closet_items_csv_text(*, user, bom: bool = False) -> str:
    """The whole export as text; with ``bom``, a UTF-8 byte-order mark first, so spreadsheets read accents right."""
    buffer = io.StringIO()
    closet_items_csv_export(user=user, out=buffer)
    return ("\ufeff" if bom else "") + buffer.getvalue()


def _row(item: Item) -> list[str]:
    def number(value: Any) -> str:
        return "" if value is None else str(value)

    return [
        item.name,
        item.category.slug,
        item.subcategory.slug if item.subcategory_id else "",
        LIST_SEPARATOR.join(colour.slug for colour in item.colours.all()),
        item.pattern,
        item.material,
        item.brand,
        item.size,
        LIST_SEPARATOR.join(item.seasons),
        number(item.formality),
        number(item.warmth),
        number(item.price),
        item.currency,
        item.purchase_date.isoformat() if item.purchase_date else "",
        item.status,
        number(item.wash_interval),
        LIST_SEPARATOR.join(sorted(tag.name for tag in item.tags.all())),
        item.notes,
    ]


def _escape_formula(value: str) -> str:
    return _ESCAPE + value if value.startswith(_FORMULA_STARTS) else value


def _unescape_formula(value: str) -> str:
    """Undo the export's escape: ``'=x`` back to ``=x``. A ``'`` before anything else is the user's own."""
    if value.startswith(_ESCAPE) and value[1:].startswith(_FORMULA_STARTS):
        return value[1:]
    return value


# --- import ---------------------------------------------------------------------------------------------------------


def closet_items_csv_import(*, owner, upload: Any) -> ImportReport:
    """Import items from a CSV file (see docs/csv.md) into ``owner``'s closet, row by row.

    Raises :class:`CsvRejected` when the file as a whole is unusable, and then imports nothing. Otherwise every
    row is checked on its own: good rows become items (source IMPORT), bad rows are reported by line number with
    the reason and leave nothing behind.
    """
    text = _read_text(upload)
    rows = _parse(text)
    report = ImportReport()
    lookups = _Lookups()
    for line, values in rows:
        try:
            fields = _row_fields(values, lookups)
        except _RowInvalid as exc:
            report.errors.append(RowError(line=line, reasons=tuple(exc.reasons)))
            continue
        try:
            with transaction.atomic():  # all or nothing for each row
                item = closet_item_create(owner=owner, source=Source.IMPORT, **fields)
        except ValidationError as exc:
            report.errors.append(RowError(line=line, reasons=tuple(_validation_reasons(exc))))
            continue
        report.created.append(item)
    return report


def _read_text(upload: Any) -> str:
    """The file's text: at most the byte limit, UTF-8 with or without a byte-order mark."""
    limit = csv_max_bytes()
    size = getattr(upload, "size", None)
    if isinstance(size, int) and size > limit:
        raise CsvRejected(f"That file is {human_bytes(size)}; the limit is {human_bytes(limit)}.")
    if isinstance(upload, bytes | bytearray):
        data = bytes(upload)
    else:
        if hasattr(upload, "seek"):
            upload.seek(0)
        data = upload.read(limit + 1)
    if len(data) > limit:
        raise CsvRejected(f"That file is larger than the {human_bytes(limit)} limit.")
    if not data.strip():
        raise CsvRejected("That file is empty.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CsvRejected(
            f"line {line}: that file is not UTF-8 text. Save it as “CSV UTF-8” from your spreadsheet and try again."
        ) from None
    if "\x00" in text:
        raise CsvRejected("That file is not a CSV text file.")
    return text


@dataclass(frozen=True)
class _TooManyValues:
    values: int
    columns: int


def _parse(text: str) -> list[tuple[int, dict[str, str] | _TooManyValues]]:
    """(line number where the row starts, {column: value}) for every non-blank row, after checking the header."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise CsvRejected("That file is empty.")
        columns = _columns(header)
        rows: list[tuple[int, dict[str, str] | _TooManyValues]] = []
        line = reader.line_num + 1
        for values in reader:
            start, line = line, reader.line_num + 1
            if not any(value.strip() for value in values):
                continue
            if len(rows) >= csv_max_rows():
                raise CsvRejected(f"That file has more than {csv_max_rows():,} items; split it into smaller files.")
            if len(values) > len(columns):
                rows.append((start, _TooManyValues(len(values), len(columns))))
                continue
            rows.append((start, dict(zip(columns, [*values, *[""] * (len(columns) - len(values))], strict=True))))
    except csv.Error as exc:
        raise CsvRejected(f"line {reader.line_num}: this line could not be read as CSV ({exc}).") from None
    return rows


def _columns(header: list[str]) -> list[str]:
    columns = [name.strip().lower() for name in header]
    unknown = [name for name in columns if name not in COLUMNS]
    if unknown:
        raise CsvRejected(
            f"line 1: unknown column {_quote(unknown[0])}. The columns are: {', '.join(COLUMNS)} (see docs/csv.md)."
        )
    repeated = sorted({name for name in columns if columns.count(name) > 1})
    if repeated:
        raise CsvRejected(f"line 1: the column {_quote(repeated[0])} appears more than once.")
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise CsvRejected(f"line 1: the header must name the column {_quote(missing[0])}.")
    return columns


class _RowInvalid(Exception):
    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


class _Lookups:
    """The shared taxonomy and palette, read once per import."""

    def __init__(self) -> None:
        categories = list(Category.objects.all())
        self.categories = {c.slug: c for c in categories}
        self.by_pk = {c.pk: c for c in categories}
        self.colours: dict[str, Colour] = {}
        for colour in Colour.objects.all():
            self.colours[colour.slug] = colour
            self.colours.setdefault(colour.name.lower(), colour)


def _row_fields(values: dict[str, str] | _TooManyValues, lookups: _Lookups) -> dict[str, Any]:
    """The keyword arguments of ``closet_item_create`` for one row; raises _RowInvalid with every reason."""
    if isinstance(values, _TooManyValues):
        raise _RowInvalid([f"{values.values} values, but the header names {values.columns} columns"])
    cells = {name: _unescape_formula(value.strip()) for name, value in values.items()}
    reasons: list[str] = []
    fields: dict[str, Any] = {}

    def check(name: str, parse) -> None:
        raw = cells.get(name, "")
        try:
            value = parse(raw)
        except _CellInvalid as exc:
            reasons.append(str(exc))
            return
        if value is not None:
            fields[name] = value

    name = cells.get("name", "")
    if not name:
        reasons.append("the name is empty")
    elif len(name) > 120:
        reasons.append("the name is longer than 120 characters")
    fields["name"] = name

    category_slug = cells.get("category", "").lower()
    category = lookups.categories.get(category_slug)
    subcategory = None
    if not category_slug:
        reasons.append("the category is empty")
    elif category is None:
        reasons.append(f"unknown category {_quote(category_slug)}")
    elif category.parent_id:
        # A subcategory in the category column ("jeans"): file it under its parent.
        category, subcategory = lookups.by_pk[category.parent_id], category
    sub_slug = cells.get("subcategory", "").lower()
    if sub_slug:
        sub = lookups.categories.get(sub_slug)
        if sub is None or sub.parent_id is None:
            reasons.append(f"unknown subcategory {_quote(sub_slug)}")
        elif category is not None and sub.parent_id != category.pk:
            reasons.append(f"subcategory {_quote(sub_slug)} is not a kind of {category.name}")
        else:
            subcategory = sub
    if category is not None:
        fields["category"] = category
    fields["subcategory"] = subcategory

    colours = []
    for slug in _split(cells.get("colours", "")):
        colour = lookups.colours.get(slug.lower())
        if colour is None:
            reasons.append(f"unknown colour {_quote(slug)}")
        elif colour not in colours:
            colours.append(colour)
    fields["colours"] = colours

    seasons = []
    for season in _split(cells.get("seasons", "")):
        if season.lower() not in SEASONS:
            reasons.append(f"unknown season {_quote(season)} (use {', '.join(SEASONS)})")
        elif season.lower() not in seasons:
            seasons.append(season.lower())
    fields["seasons"] = seasons

    check("pattern", _choice("pattern", Pattern))
    check("status", _choice("status", ItemStatus))
    for text_field, limit in (("material", 80), ("brand", 80), ("size", 20), ("notes", 5000)):
        check(text_field, _text(text_field, limit))
    check("formality", _whole("formality", 1, 5))
    check("warmth", _whole("warmth", 1, 5))
    check("wash_interval", _whole("wash_interval", 1, 100))
    check("price", _price)
    check("currency", _currency)
    check("purchase_date", _date)
    if fields.get("price") is not None and not fields.get("currency"):
        reasons.append("a price needs a currency, such as EUR")

    tags = _split(cells.get("tags", ""))
    if len(tags) > 30:
        reasons.append("more than 30 tags")
    elif any(len(tag) > 40 for tag in tags):
        reasons.append("a tag is longer than 40 characters")
    fields["tags"] = tags

    if reasons:
        raise _RowInvalid(reasons)
    return fields


class _CellInvalid(ValueError):
    pass


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(LIST_SEPARATOR) if part.strip()]


def _text(name: str, limit: int):
    def parse(raw: str) -> str:
        if len(raw) > limit:
            raise _CellInvalid(f"{name} is longer than {limit:,} characters")
        return raw

    return parse


def _choice(name: str, choices):
    by_value = {value: value for value in choices.values}
    by_label = {str(label).lower(): value for value, label in choices.choices}

    def parse(raw: str) -> str | None:
        if not raw:
            return None
        value = by_value.get(raw.lower()) or by_label.get(raw.lower())
        if value is None:
            raise _CellInvalid(f"unknown {name} {_quote(raw)} (use {', '.join(choices.values)})")
        return value

    return parse


def _whole(name: str, low: int, high: int):
    def parse(raw: str) -> int | None:
        if not raw:
            return None
        try:
            value = int(raw)
        except ValueError:
            raise _CellInvalid(f"{name} {_quote(raw)} is not a whole number") from None
        if not low <= value <= high:
            raise _CellInvalid(f"{name} must be between {low} and {high}, not {value}")
        return value

    return parse


def _price(raw: str) -> Decimal | None:
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise _CellInvalid(f"price {_quote(raw)} is not a number (write it like 49.90)") from None
    if not value.is_finite() or value < 0:
        raise _CellInvalid(f"price {_quote(raw)} must be zero or more")
    if value.as_tuple().exponent < -2 or value >= Decimal("100000000"):
        raise _CellInvalid(f"price {_quote(raw)} has more than two decimals or is too large")
    return value


def _currency(raw: str) -> str | None:
    if not raw:
        return None
    value = raw.upper()
    if len(value) != 3 or not value.isascii() or not value.isalpha():
        raise _CellInvalid(f"currency {_quote(raw)} is not a three-letter code such as EUR")
    return value


def _date(raw: str) -> datetime.date | None:
    if not raw:
        return None
    if len(raw) == 10 and raw[4] == raw[7] == "-":
        try:
            return datetime.date.fromisoformat(raw)
        except ValueError:
            pass
    raise _CellInvalid(f"purchase_date {_quote(raw)} is not a date written YYYY-MM-DD")


def _validation_reasons(exc: ValidationError) -> list[str]:
    if hasattr(exc, "message_dict"):
        return [f"{name}: {message}" for name, messages in exc.message_dict.items() for message in messages]
    return list(exc.messages)


def _quote(value: str, limit: int = 40) -> str:
    shown = value if len(value) <= limit else value[: limit - 1] + "…"
    return f"'{shown}'"
