"""Small server-side SVG charts for the stats page: no JavaScript, no chart library, nothing sent elsewhere.

Each function returns one ``<svg>`` as safe markup. Every piece of text in it (item names, category names) is
escaped here, so a garment called ``<script>`` is drawn as text. Each chart is ``role="img"`` with a ``<title>``
and a ``<desc>`` that reads out the data, named by ``aria-labelledby``. Charts scale to their container
(``viewBox`` + ``width="100%"``) and take their colours from the stylesheet (``.chart`` rules in app.css:
``currentColor`` and the theme's custom properties), so they follow light and dark mode. Only garment colours,
which are data, are drawn with their own hex value.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 320  # viewBox units: about one CSS pixel on a 375px phone, so 12-13 unit text stays readable there
PALETTE_SIZE = 8  # .chart__fill--1 … --8 in app.css

_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
_ID = re.compile(r"[^a-z0-9-]+")


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    display: str  # the value as people read it: "12 wears", "€3.20"
    hex: str | None = None  # a garment colour; None draws the bar in the accent colour


@dataclass(frozen=True)
class Segment:
    label: str
    value: float


@dataclass(frozen=True)
class Column:
    label: str  # short, under the column: "3 Mar", "Mar"
    long_label: str  # for the tooltip and the description: "Week of 3 Mar 2026"
    value: int


def _num(value: float) -> str:
    """Coordinates with at most two decimals: smaller markup, same picture."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _safe_id(chart_id: str) -> str:
    return _ID.sub("-", chart_id.lower()).strip("-") or "chart"


def _truncate(text: str, max_chars: int) -> str:
    return text if len(text) <= max_chars else text[: max(1, max_chars - 1)].rstrip() + "…"


def _open(chart_id: str, *, title: str, description: str, height: float, css_class: str) -> str:
    cid = _safe_id(chart_id)
    return (
        f'<svg class="chart {css_class}" id="{cid}" viewBox="0 0 {WIDTH} {_num(height)}" width="100%" '
        f'role="img" aria-labelledby="{cid}-title {cid}-desc" preserveAspectRatio="xMidYMid meet">'
        f'<title id="{cid}-title">{escape(title)}</title><desc id="{cid}-desc">{escape(description)}</desc>'
    )


def bar_chart(
    bars: Sequence[Bar], *, chart_id: str, title: str, empty_text: str = "Nothing to show yet."
) -> SafeString:
    """Horizontal bars, one row each: the label and the value on a line, the bar under them.

    Labels sit above their bars rather than beside them, so long garment names fit a phone's width.
    """
    row_height = 40
    description = "; ".join(f"{bar.label}: {bar.display}" for bar in bars) or empty_text
    if not bars:
        parts = [_open(chart_id, title=title, description=description, height=40, css_class="chart--bars")]
        parts.append(f'<text class="chart__empty" x="0" y="24" fill="currentColor">{escape(empty_text)}</text></svg>')
        return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above

    top = max((bar.value for bar in bars), default=0) or 1
    parts = [
        _open(chart_id, title=title, description=description, height=row_height * len(bars), css_class="chart--bars")
    ]
    for index, bar in enumerate(bars):
        y = index * row_height
        value_chars = len(bar.display)
        label = _truncate(bar.label, max(6, int((WIDTH - value_chars * 8 - 12) / 7.5)))
        width = WIDTH * max(bar.value, 0) / top
        if bar.value > 0:
            width = max(width, 3)  # a small value is still visibly more than nothing
        if bar.hex and _HEX.match(bar.hex):
            fill = f' fill="{bar.hex}"'
            bar_class = "chart__swatch"
        else:
            fill = ""
            bar_class = "chart__bar"
        parts.append(
            f'<g class="chart__row"><title>{escape(bar.label)}: {escape(bar.display)}</title>'
            f'<text class="chart__label" x="0" y="{y + 15}" fill="currentColor">{escape(label)}</text>'
            f'<text class="chart__value" x="{WIDTH}" y="{y + 15}" text-anchor="end" fill="currentColor">'
            f"{escape(bar.display)}</text>"
            f'<rect class="chart__track" x="0" y="{y + 22}" width="{WIDTH}" height="10" rx="5"/>'
            f'<rect class="{bar_class}" x="0" y="{y + 22}" width="{_num(width)}" height="10" rx="5"{fill}/></g>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above


def swatch_bars(bars: Sequence[Bar], *, chart_id: str, title: str) -> SafeString:
    """Bars drawn in each garment colour (``Bar.hex``), outlined so white and cream stay visible."""
    return bar_chart(bars, chart_id=chart_id, title=title, empty_text="No colours set on your items yet.")


def donut_chart(segments: Sequence[Segment], *, chart_id: str, title: str, centre_label: str = "items") -> SafeString:
    """A ring of shares (largest first, as given) with the total in the middle.

    Segment ``n`` uses palette colour ``n`` (``.chart__fill--n`` / ``.chart__stroke--n``), so a legend in HTML
    can show the same colours; beyond the palette the last colour repeats.
    """
    size = 200
    centre, radius, stroke = size / 2, 70, 30
    circumference = 2 * math.pi * radius
    total = sum(max(s.value, 0) for s in segments)
    description = (
        "; ".join(f"{s.label}: {_share(s.value, total)}" for s in segments) if total else "Nothing to show yet."
    )
    cid = _safe_id(chart_id)
    parts = [
        f'<svg class="chart chart--donut" id="{cid}" viewBox="0 0 {size} {size}" width="100%" role="img" '
        f'aria-labelledby="{cid}-title {cid}-desc">'
        f'<title id="{cid}-title">{escape(title)}</title><desc id="{cid}-desc">{escape(description)}</desc>',
        f'<circle class="chart__track-ring" cx="{_num(centre)}" cy="{_num(centre)}" r="{radius}" fill="none" '
        f'stroke-width="{stroke}"/>',
    ]
    offset = 0.0
    gap = 1.5 if len([s for s in segments if s.value > 0]) > 1 else 0
    for index, segment in enumerate(segments):
        if segment.value <= 0 or not total:
            continue
        length = circumference * segment.value / total
        drawn = max(length - gap, 0.5)
        palette = min(index, PALETTE_SIZE - 1) + 1
        parts.append(
            f'<circle class="chart__segment chart__stroke--{palette}" cx="{_num(centre)}" cy="{_num(centre)}" '
            f'r="{radius}" fill="none" stroke-width="{stroke}" '
            f'stroke-dasharray="{_num(drawn)} {_num(circumference - drawn)}" stroke-dashoffset="{_num(-offset)}" '
            f'transform="rotate(-90 {_num(centre)} {_num(centre)})">'
            f"<title>{escape(segment.label)}: {escape(_share(segment.value, total))}</title></circle>"
        )
        offset += length
    parts.append(
        f'<text class="chart__total" x="{_num(centre)}" y="{_num(centre + 4)}" text-anchor="middle" '
        f'fill="currentColor">{_num(total)}</text>'
        f'<text class="chart__total-label" x="{_num(centre)}" y="{_num(centre + 26)}" text-anchor="middle" '
        f'fill="currentColor">{escape(centre_label)}</text></svg>'
    )
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above


def _share(value: float, total: float) -> str:
    return f"{_num(value)} ({round(value * 100 / total)}%)" if total else _num(value)


def _nice_ceiling(value: int) -> int:
    """The top of the value axis: 1, 2, 5, 10, 20, 50… at or above the largest value."""
    if value <= 0:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude  # pragma: no cover - the loop always returns


def column_chart(columns: Sequence[Column], *, chart_id: str, title: str, unit: str = "wears") -> SafeString:
    """Columns over time (oldest on the left), every period drawn even when it is zero, with its count on top."""
    height = 190
    left, right, top, bottom = 26, 4, 16, 26
    plot_width, plot_height = WIDTH - left - right, height - top - bottom
    peak = _nice_ceiling(max((c.value for c in columns), default=0))
    description = "; ".join(f"{c.long_label}: {c.value} {unit}" for c in columns) or "Nothing to show yet."
    parts = [_open(chart_id, title=title, description=description, height=height, css_class="chart--columns")]
    for tick in (0, peak / 2, peak):
        if tick != int(tick):
            continue
        y = top + plot_height - plot_height * tick / peak
        parts.append(
            f'<line class="chart__grid" x1="{left}" x2="{WIDTH - right}" y1="{_num(y)}" y2="{_num(y)}"/>'
            f'<text class="chart__axis" x="{left - 6}" y="{_num(y + 4)}" text-anchor="end" fill="currentColor">'
            f"{int(tick)}</text>"
        )
    band = plot_width / max(len(columns), 1)
    column_width = band * 0.62
    label_every = 1 if len(columns) <= 8 or max((len(c.label) for c in columns), default=0) <= 3 else 2
    for index, column in enumerate(columns):
        x = left + band * index + (band - column_width) / 2
        bar_height = plot_height * column.value / peak
        y = top + plot_height - bar_height
        centre = x + column_width / 2
        parts.append(f"<g><title>{escape(column.long_label)}: {column.value} {escape(unit)}</title>")
        if column.value:
            parts.append(
                f'<rect class="chart__column" x="{_num(x)}" y="{_num(y)}" width="{_num(column_width)}" '
                f'height="{_num(bar_height)}" rx="3"/>'
                f'<text class="chart__column-value" x="{_num(centre)}" y="{_num(y - 4)}" text-anchor="middle" '
                f'fill="currentColor">{column.value}</text>'
            )
        else:  # a zero period is a visible stub on the axis, not a gap
            parts.append(
                f'<rect class="chart__column chart__column--zero" x="{_num(x)}" y="{_num(top + plot_height - 2)}" '
                f'width="{_num(column_width)}" height="2"/>'
            )
        # The newest period is always labelled; counting back from it keeps the labels evenly spaced.
        if (len(columns) - 1 - index) % label_every == 0:
            parts.append(
                f'<text class="chart__axis" x="{_num(centre)}" y="{height - 8}" text-anchor="middle" '
                f'fill="currentColor">{escape(column.label)}</text>'
            )
        parts.append("</g>")
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above
