"""Reads of the security app: a person's own security log, and the aggregated usage figures for staff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate, TruncWeek
from django.utils import timezone

from privacy.models import UsageEvent
from security.models import SecurityEvent


def security_events_of(*, user) -> QuerySet[SecurityEvent]:
    """The signed-in person's own security log, newest first."""
    return SecurityEvent.objects.filter(user=user).order_by("-created_at", "-id")


# --- Usage dashboard: aggregates only, never a row per person -------------------------------------------------


@dataclass(frozen=True)
class DayCount:
    day: date
    count: int


def usage_events_per_day(*, days: int, today: date | None = None) -> list[DayCount]:
    """How many page views were counted each day of the last ``days`` days (today included), zeros too."""
    today = today or timezone.localdate()
    first = today - timedelta(days=days - 1)
    counts = dict(
        UsageEvent.objects.filter(created_at__date__gte=first, created_at__date__lte=today)
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )
    return [DayCount(first + timedelta(days=i), counts.get(first + timedelta(days=i), 0)) for i in range(days)]


def usage_top_views(*, days: int, limit: int = 10, today: date | None = None) -> list[tuple[str, int]]:
    """The most opened pages over the last ``days`` days, with their counts."""
    today = today or timezone.localdate()
    first = today - timedelta(days=days - 1)
    rows = (
        UsageEvent.objects.filter(created_at__date__gte=first, created_at__date__lte=today)
        .values("view_name")
        .annotate(n=Count("id"))
        .order_by("-n", "view_name")[:limit]
    )
    return [(row["view_name"], row["n"]) for row in rows]


def usage_active_users_per_week(*, weeks: int, today: date | None = None) -> list[DayCount]:
    """How many distinct signed-in people were counted each week (weeks start on Monday), zeros too. A count,
    never who."""
    today = today or timezone.localdate()
    this_monday = today - timedelta(days=today.weekday())
    first = this_monday - timedelta(weeks=weeks - 1)
    counts = {
        (week.date() if hasattr(week, "date") else week): n
        for week, n in UsageEvent.objects.filter(user__isnull=False, created_at__date__gte=first)
        .annotate(week=TruncWeek("created_at"))
        .values("week")
        .annotate(n=Count("user", distinct=True))
        .values_list("week", "n")
    }
    return [DayCount(first + timedelta(weeks=i), counts.get(first + timedelta(weeks=i), 0)) for i in range(weeks)]
