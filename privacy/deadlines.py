"""When a privacy request is due (RGT-6): a number of business days, or of calendar days, after it arrives.

Business days skip Saturdays, Sundays and the public holidays listed in PRIVACY_REQUEST_HOLIDAYS. The count starts
the day after the request arrives, in the site's time zone: a request received on a Friday with 5 business days
is due the following Friday; one received on a Saturday is due the Friday of the next week.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils import timezone


def is_business_day(day: date, holidays: frozenset[date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def business_days_add(start: date, days: int, *, holidays: frozenset[date]) -> date:
    """The date ``days`` business days after ``start`` (``start`` itself never counts)."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_business_day(current, holidays):
            remaining -= 1
    return current


def privacy_request_holidays() -> frozenset[date]:
    return frozenset(settings.PRIVACY_REQUEST_HOLIDAYS)


def privacy_request_due_date(received: datetime) -> date:
    """The day a request received at ``received`` must be answered by, under the configured deadline rule."""
    received_on = timezone.localdate(received)
    if settings.PRIVACY_REQUEST_DEADLINE_MODE == "calendar_days":
        return received_on + timedelta(days=settings.PRIVACY_REQUEST_CALENDAR_DAYS)
    return business_days_add(received_on, settings.PRIVACY_REQUEST_BUSINESS_DAYS, holidays=privacy_request_holidays())
