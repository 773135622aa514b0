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


def user_by_email(address: str) -> User | None:
    """The account using this address, or None. Addresses are compared case-insensitively and without the spaces
    around them, as people type them (in a sign-in form, in an e-mailed request)."""
    address = (address or "").strip()
    return User.objects.filter(email__iexact=address).first() if address else None
