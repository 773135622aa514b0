"""Every read about accounts starts here, from the signed-in user's own rows."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import Device, Location, Profile, User


def profile_of(user: User) -> Profile:
    """The user's profile; an unsaved blank one when they have never filled it in (saving creates it)."""
    try:
        return Profile.objects.get(user=user)
    except Profile.DoesNotExist:
        return Profile(user=user)


def device_list(*, user: User) -> QuerySet[Device]:
    return Device.objects.filter(owner=user)


def location_of(user: User) -> Location | None:
    return Location.objects.filter(user=user).first()
