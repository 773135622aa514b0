from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet

from closet.models import Item, ItemPhoto, ItemStatus, Outfit, PackingEntry, PhotoStatus, Plan, Trip
from closet.selectors.items import item_list
from closet.selectors.outfits import outfit_list


@dataclass
class CalendarDay:
    """One day of the plan calendar, with the outfits planned for it."""

    date: datetime.date
    is_today: bool
    in_period: bool = True  # False for the days of the neighbouring months that fill a month view's weeks
    plans: list[Plan] = field(default_factory=list)


def plan_list(*, user) -> QuerySet[Plan]:
    """All of the user's plans, by day. Every plan read starts here."""
    return Plan.objects.filter(owner=user).select_related("outfit")


def plans_between(*, user, first: datetime.date, last: datetime.date) -> QuerySet[Plan]:
    """The plans of the days from ``first`` to ``last``, with what their outfits' pictures need."""
    return (
        plan_list(user=user)
        .filter(planned_on__gte=first, planned_on__lte=last)
        .prefetch_related("outfit__outfit_items__item__colours")
    )


def plan_calendar(
    *, user, first: datetime.date, last: datetime.date, today: datetime.date, period: tuple | None = None
) -> list[CalendarDay]:
    """Every day from ``first`` to ``last`` with its plans. ``period`` (first, last) marks the days that belong to
    the month shown; the others only fill its weeks."""
    days: dict[datetime.date, CalendarDay] = {}
    day = first
    while day <= last:
        in_period = period is None or period[0] <= day <= period[1]
        days[day] = CalendarDay(date=day, is_today=day == today, in_period=in_period)
        day += datetime.timedelta(days=1)
    for plan in plans_between(user=user, first=first, last=last):
        days[plan.planned_on].plans.append(plan)
    return list(days.values())


def week_first_day(year: int, week: int) -> datetime.date:
    """The Monday of ISO week ``week`` of ``year``; ValueError when that week does not exist (e.g. 2025-W53)."""
    return datetime.date.fromisocalendar(year, week, 1)


def month_weeks(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    """The first Monday and last Sunday of the whole weeks that cover a month."""
    weeks = calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(year, month)
    return weeks[0][0], weeks[-1][-1]


def trip_list(*, user) -> QuerySet[Trip]:
    """All of the user's trips, with how many packing entries they have and how many are packed."""
    # Ordered explicitly: Meta.ordering is not applied to aggregated queries.
    return (
        Trip.objects.filter(owner=user)
        .annotate(
            entry_count=Count("packing", distinct=True),
            packed_count=Count("packing", filter=Q(packing__packed=True), distinct=True),
        )
        .order_by("-starts_on", "-created_at", "pk")
    )


def packing_list(*, user) -> QuerySet[PackingEntry]:
    """Every packing entry of the user's trips, with its item or outfit."""
    return (
        PackingEntry.objects.filter(trip__owner=user)
        .select_related("trip", "item__category", "outfit")
        .prefetch_related(
            "item__colours",
            Prefetch(
                "item__photos",
                queryset=ItemPhoto.objects.filter(is_primary=True, status=PhotoStatus.READY),
                to_attr="primary_photos",
            ),
        )
    )


def trip_packing_list(*, user, trip_id) -> QuerySet[PackingEntry]:
    """The packing list of one of the user's trips (scoped by owner and trip)."""
    return packing_list(user=user).filter(trip_id=trip_id)


def packing_progress(*, trip: Trip) -> tuple[int, int]:
    """(packed, total) entries of a trip: "7 of 12 packed"."""
    counts = PackingEntry.objects.filter(trip=trip).aggregate(
        total=Count("pk"), packed=Count("pk", filter=Q(packed=True))
    )
    return counts["packed"], counts["total"]


def packing_choices(*, user) -> tuple[QuerySet[Item], QuerySet[Outfit]]:
    """What can go on a packing list: the user's active items and their outfits."""
    items = item_list(user=user).filter(status=ItemStatus.ACTIVE).select_related("category").order_by("name")
    return items, outfit_list(user=user).order_by("name")
