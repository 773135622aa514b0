from __future__ import annotations

import datetime
import zoneinfo

from django.db.models import QuerySet
from django.utils import timezone

from closet.models import Wear

# Without a time zone in the profile we cannot know which day it is for the person; we then accept any date that
# has begun somewhere on Earth (UTC+14), so "today" from a phone in Auckland is never refused as the future.
_EARLIEST_ZONE = zoneinfo.ZoneInfo("Etc/GMT-14")


def _profile_zone(user) -> zoneinfo.ZoneInfo | None:
    from accounts.selectors import profile_of

    name = profile_of(user).timezone
    if not name:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def user_today(*, user) -> datetime.date:
    """Today for this person: in the time zone of their profile, else in the server's time zone."""
    zone = _profile_zone(user)
    return timezone.localdate(timezone=zone) if zone else timezone.localdate()


def user_latest_allowed_day(*, user) -> datetime.date:
    """The latest day a wear or a wash may be logged for: today where the person is (see _EARLIEST_ZONE)."""
    zone = _profile_zone(user)
    return timezone.localdate(timezone=zone) if zone else timezone.now().astimezone(_EARLIEST_ZONE).date()


def wear_list(*, user) -> QuerySet[Wear]:
    """The user's wear log, newest first. The only source of wear counts, last worn and cost per wear."""
    return Wear.objects.filter(owner=user).select_related("item", "outfit")
