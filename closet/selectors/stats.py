"""What a closet really costs and what is never worn: the numbers behind /stats/ and /api/v1/stats/.

Everything counts the person's ACTIVE items only (wishlist, drafts, archived, donated and sold items are not in
the closet any more, or not yet), and every number comes from the wear log through aggregate queries: a
fixed number of queries whatever the size of the closet, never one per item. Dates are relative to ``today``
(the person's today, in their profile's time zone, unless a test passes one). "The last 90 days" are today
and the 89 days before it, so "worn in the last 90 days" and "not worn in 90+ days" always add up to the whole
closet.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, QuerySet, Sum
from django.db.models.functions import TruncMonth, TruncWeek

from closet.models import Item, ItemStatus, Wear
from closet.selectors.items import item_list, items_with_wear_stats
from closet.selectors.wears import user_today

TOP_N = 5
LIST_LIMIT = 50  # the longer lists (not worn, unworn with a price) show this many; their counts are exact
RECENT_DAYS = 90
PERIODS = ("week", "month")
PERIOD_COUNT = 12


@dataclass(frozen=True)
class MoneyTotal:
    currency: str
    amount: Decimal
    item_count: int


@dataclass(frozen=True)
class CategoryCount:
    slug: str
    name: str
    kind: str
    count: int
    percent: float


@dataclass(frozen=True)
class ColourCount:
    slug: str
    name: str
    hex: str
    is_neutral: bool
    count: int
    percent: float


@dataclass(frozen=True)
class WearPeriod:
    start: datetime.date
    end: datetime.date  # inclusive
    count: int


@dataclass(frozen=True)
class ClosetStats:
    today: datetime.date
    item_count: int
    total_value: list[MoneyTotal]
    best_cost_per_wear: list[Item]
    worst_cost_per_wear: list[Item]
    unworn_with_price: list[Item]
    unworn_with_price_count: int
    most_worn: list[Item]
    least_worn: list[Item]
    recent_days: int
    recent_since: datetime.date
    worn_recently_count: int
    worn_recently_percent: float | None  # None for an empty closet: there is nothing to take a share of
    not_worn_recently_count: int
    not_worn_recently: list[Item]
    categories: list[CategoryCount]
    colours: list[ColourCount]
    wear_period: str
    wears_over_time: list[WearPeriod]
    wear_total: int


def recent_since(today: datetime.date) -> datetime.date:
    """The first day of "the last 90 days": today and the 89 days before it. Not worn since this day is "not worn
    in 90+ days" here, on the closet's filter toggle and in the outfit ideas alike."""
    return today - datetime.timedelta(days=RECENT_DAYS - 1)


def _percent(part: int, whole: int) -> float:
    return round(part * 100 / whole, 1) if whole else 0.0


def _periods(today: datetime.date, period: str) -> list[tuple[datetime.date, datetime.date]]:
    """The last ``PERIOD_COUNT`` calendar weeks (Monday to Sunday) or months, oldest first, this one included."""
    if period == "week":
        monday = today - datetime.timedelta(days=today.weekday())
        starts = [monday - datetime.timedelta(weeks=n) for n in range(PERIOD_COUNT - 1, -1, -1)]
        return [(start, start + datetime.timedelta(days=6)) for start in starts]
    spans = []
    for n in range(PERIOD_COUNT - 1, -1, -1):
        year, month = divmod(today.year * 12 + today.month - 1 - n, 12)
        start = datetime.date(year, month + 1, 1)
        next_year, next_month = divmod(year * 12 + month + 1, 12)
        spans.append((start, datetime.date(next_year, next_month + 1, 1) - datetime.timedelta(days=1)))
    return spans


def _wears_over_time(active: QuerySet[Item], *, today: datetime.date, period: str) -> list[WearPeriod]:
    spans = _periods(today, period)
    trunc = TruncWeek if period == "week" else TruncMonth
    rows = (
        Wear.objects.filter(item__in=active, worn_on__gte=spans[0][0], worn_on__lte=today)
        .annotate(period_start=trunc("worn_on"))
        .values("period_start")
        .annotate(n=Count("pk"))
        .order_by()
    )
    # TruncWeek/TruncMonth give a datetime on some backends and a date on others; key by the date.
    counts: dict[datetime.date, int] = {}
    for row in rows:
        start = row["period_start"]
        start = start.date() if isinstance(start, datetime.datetime) else start
        counts[start] = counts.get(start, 0) + row["n"]
    # Every period appears, with 0 when nothing was worn: a chart with gaps would lie about the quiet weeks.
    return [WearPeriod(start=start, end=end, count=counts.get(start, 0)) for start, end in spans]


def closet_stats(*, user, today: datetime.date | None = None, period: str = "week") -> ClosetStats:
    """Counts, value, cost per wear, most and least worn, unworn, breakdowns and wears over time for the
    user's active items. ``period`` is "week" (the last 12 weeks) or "month" (the last 12 months)."""
    if period not in PERIODS:
        raise ValueError(f"period must be one of {PERIODS}")
    # The person's today, as for the wears themselves: near midnight the server's date is often another day.
    today = today or user_today(user=user)
    since = recent_since(today)

    active = item_list(user=user).filter(status=ItemStatus.ACTIVE)
    worn_recently = Exists(Wear.objects.filter(item=OuterRef("pk"), worn_on__gte=since, worn_on__lte=today))
    counts = active.aggregate(items=Count("pk"), worn_recently=Count("pk", filter=worn_recently))
    item_count = counts["items"]
    worn_recently_count = counts["worn_recently"]

    total_value = [
        MoneyTotal(currency=row["currency"], amount=row["amount"], item_count=row["n"])
        for row in active.filter(price__isnull=False)
        .values("currency")
        .annotate(amount=Sum("price"), n=Count("pk"))
        .order_by("-amount", "currency")
    ]

    # The same wear count, last worn and cost per wear as the closet list; no photos, colours or tags needed.
    ranked = items_with_wear_stats(active).prefetch_related(None)
    priced = ranked.filter(price__isnull=False)
    best = list(priced.filter(wear_count__gt=0).order_by("cost_per_wear", "name", "pk")[:TOP_N])
    worst = list(priced.filter(wear_count__gt=0).order_by(F("cost_per_wear").desc(), "name", "pk")[:TOP_N])
    unworn_priced = priced.filter(wear_count=0)
    unworn_with_price = list(unworn_priced.order_by(F("price").desc(), "name", "pk")[:LIST_LIMIT])
    unworn_with_price_count = unworn_priced.count()
    most_worn = list(ranked.filter(wear_count__gt=0).order_by("-wear_count", "name", "pk")[:TOP_N])
    # Least worn includes the never worn; among equals the one owned longest first (it had more chances).
    least_worn = list(ranked.order_by("wear_count", "created_at", "pk")[:TOP_N])

    # Not worn in the last 90 days, never worn first, then the longest since the last wear.
    not_recent = ranked.filter(~worn_recently)
    not_worn_recently = list(not_recent.order_by(F("last_worn_on").asc(nulls_first=True), "name", "pk")[:LIST_LIMIT])
    not_worn_recently_count = item_count - worn_recently_count

    categories = [
        CategoryCount(
            slug=row["category__slug"],
            name=row["category__name"],
            kind=row["category__kind"],
            count=row["n"],
            percent=_percent(row["n"], item_count),
        )
        for row in active.values("category__slug", "category__name", "category__kind", "category__position")
        .annotate(n=Count("pk"))
        .order_by("-n", "category__position", "category__name")
    ]
    colours = [
        ColourCount(
            slug=row["colours__slug"],
            name=row["colours__name"],
            hex=row["colours__hex"],
            is_neutral=row["colours__is_neutral"],
            count=row["n"],
            percent=_percent(row["n"], item_count),
        )
        for row in active.values(
            "colours__slug", "colours__name", "colours__hex", "colours__is_neutral", "colours__position"
        )
        .annotate(n=Count("pk", distinct=True))
        .order_by("-n", "colours__position", "colours__name")
        if row["colours__slug"] is not None  # the group of items without any colour
    ]

    wears_over_time = _wears_over_time(active, today=today, period=period)
    return ClosetStats(
        today=today,
        item_count=item_count,
        total_value=total_value,
        best_cost_per_wear=best,
        worst_cost_per_wear=worst,
        unworn_with_price=unworn_with_price,
        unworn_with_price_count=unworn_with_price_count,
        most_worn=most_worn,
        least_worn=least_worn,
        recent_days=RECENT_DAYS,
        recent_since=since,
        worn_recently_count=worn_recently_count,
        worn_recently_percent=_percent(worn_recently_count, item_count) if item_count else None,
        not_worn_recently_count=not_worn_recently_count,
        not_worn_recently=not_worn_recently,
        categories=categories,
        colours=colours,
        wear_period=period,
        wears_over_time=wears_over_time,
        wear_total=sum(p.count for p in wears_over_time),
    )
