"""Every write about accounts, profiles and devices. Views, API views, adapters and signals call these."""

from __future__ import annotations

import re
import secrets
import zoneinfo
from datetime import timedelta
from decimal import Decimal
from importlib import import_module

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.models import (
    FIT_PREFERENCES,
    LIST_FIELDS,
    PROFILE_FIELDS,
    VIBES,
    Device,
    Location,
    LocationPrecision,
    Profile,
    User,
)
from accounts.selectors import profile_of
from core.images import ImageRejected, image_process
from core.storage import private_files_delete_on_commit
from privacy.services import ConsentRequired

DEVICE_TOUCH_INTERVAL = timedelta(minutes=5)
SESSION_DEVICE_KEY = "sesiocloset_device_id"
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{32,128}$")
_SCREEN_SHAPE = re.compile(r"^\d{2,5}x\d{2,5}$")
AVATAR_MAX_SIDE = 512


# --- Devices (ACC-4) ----------------------------------------------------------------------------------------


def device_token_new() -> str:
    return secrets.token_urlsafe(32)


def device_token_is_well_formed(token: str | None) -> bool:
    return bool(token) and bool(_TOKEN_SHAPE.match(token))


def device_token_hash(token: str) -> str:
    """A keyed hash of the device cookie: what the database keeps, so a leaked table cannot be replayed."""
    return salted_hmac("accounts.device", token, algorithm="sha256").hexdigest()


@transaction.atomic
def device_sign_in(*, user: User, token: str, user_agent: str, request: HttpRequest | None = None) -> Device:
    """Record that ``user`` signed in from the device holding ``token``; alert them when the device is new.

    The first device of an account (its sign-up) raises no alert; every later device that this account has never
    seen before does (ACC-2), naming the device and the time and linking to Settings → Devices.
    """
    token_hash = device_token_hash(token)
    now = timezone.now()
    device = Device.objects.select_for_update().filter(owner=user, token_hash=token_hash).first()
    if device is not None:
        device.last_seen_at = now
        device.user_agent = user_agent[:400]
        device.save(update_fields=["last_seen_at", "user_agent"])
        return device
    had_devices = Device.objects.filter(owner=user).exists()
    device = Device.objects.create(
        owner=user, token_hash=token_hash, user_agent=user_agent[:400], first_seen_at=now, last_seen_at=now
    )
    if had_devices:
        transaction.on_commit(lambda: device_new_alert_send(device=device, request=request))
    return device


def device_new_alert_send(*, device: Device, request: HttpRequest | None = None) -> None:
    """The security e-mail for a sign-in from a new device."""
    user = device.owner
    devices_path = reverse("accounts:devices")
    devices_url = request.build_absolute_uri(devices_path) if request else f"{settings.SITE_URL}{devices_path}"
    zone = profile_of(user).timezone or "UTC"
    signed_in_at = timezone.localtime(device.first_seen_at, zoneinfo.ZoneInfo(zone))
    context = {
        "user": user,
        "device_name": device.name,
        "signed_in_at": signed_in_at,
        "timezone_name": zone,
        "devices_url": devices_url,
    }
    # Rendered here rather than through allauth's adapter: this runs after the commit, outside allauth's request
    # context.
    subject = render_to_string("accounts/email/new_device_subject.txt", context).strip()
    body = render_to_string("accounts/email/new_device_message.txt", context)
    send_mail(f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}", body, None, [user.email])


def device_touch(*, device_id: str, now=None) -> None:
    """Move a device's "last seen" forward, at most once per DEVICE_TOUCH_INTERVAL (one UPDATE, no read)."""
    now = now or timezone.now()
    Device.objects.filter(pk=device_id, last_seen_at__lt=now - DEVICE_TOUCH_INTERVAL).update(last_seen_at=now)


def device_details_report(*, device: Device, timezone_name: str, screen: str) -> Device:
    """The page reports its time zone and screen size; anything malformed is refused, nothing half-saved."""
    errors = {}
    if timezone_name and timezone_name not in zoneinfo.available_timezones():
        errors["timezone"] = "Not a time zone name such as Europe/Helsinki."
    if screen and not _SCREEN_SHAPE.match(screen):
        errors["screen"] = "Screen size must look like 1280x800."
    if errors:
        raise ValidationError(errors)
    device.timezone = timezone_name
    device.screen = screen
    device.save(update_fields=["timezone", "screen"])
    return device


def _sessions_of_device(device: Device) -> list[UserSession]:
    """The device id is written into the session at sign-in; read it back from each of the user's sessions."""
    session_store = import_module(settings.SESSION_ENGINE).SessionStore
    found = []
    for user_session in UserSession.objects.filter(user=device.owner):
        if session_store(session_key=user_session.session_key).get(SESSION_DEVICE_KEY) == str(device.pk):
            found.append(user_session)
    return found


@transaction.atomic
def device_sign_out(*, device: Device) -> int:
    """End every session the device holds and forget the device. Returns how many sessions ended.

    The device's next sign-in counts as a new device again, so it triggers the security e-mail.
    """
    sessions = _sessions_of_device(device)
    for user_session in sessions:
        user_session.end()
    device.delete()
    return len(sessions)


@transaction.atomic
def account_sign_out_everywhere(*, user: User) -> int:
    """End every session of the account, in every browser and app, and forget its devices."""
    sessions = list(UserSession.objects.filter(user=user))
    for user_session in sessions:
        user_session.end()
    Device.objects.filter(owner=user).delete()
    return len(sessions)


# --- Profile (ACC-5) ----------------------------------------------------------------------------------------

_LIST_VOCABULARIES = {"vibes": VIBES, "fit_preferences": FIT_PREFERENCES}
_MAX_COLOURS = 12


def _clean_list(name: str, values: object) -> list[str]:
    if values in (None, ""):
        return []
    if not isinstance(values, list | tuple) or not all(isinstance(v, str) for v in values):
        raise ValidationError({name: "Send a list of words."})
    cleaned = list(dict.fromkeys(v.strip().lower() for v in values if v.strip()))
    vocabulary = _LIST_VOCABULARIES.get(name)
    if vocabulary is not None:
        unknown = [v for v in cleaned if v not in vocabulary]
        if unknown:
            raise ValidationError({name: f"Unknown: {', '.join(unknown)}. Choose from: {', '.join(vocabulary)}."})
    elif len(cleaned) > _MAX_COLOURS or any(len(v) > 30 for v in cleaned):
        raise ValidationError({name: f"Up to {_MAX_COLOURS} colours of at most 30 characters each."})
    return cleaned


@transaction.atomic
def profile_update(*, user: User, display_name: str | None = None, **changes: object) -> Profile:
    """Change any profile fields; a blank value clears the field. Invalid input raises and saves nothing."""
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"Not a profile field: {', '.join(sorted(unknown))}")
    profile = profile_of(user)
    for name, value in changes.items():
        if name in LIST_FIELDS:
            value = _clean_list(name, value)
        elif value is None and not profile._meta.get_field(name).null:
            value = ""
        setattr(profile, name, value)
    if profile.timezone and profile.timezone not in zoneinfo.available_timezones():
        raise ValidationError({"timezone": "Not a time zone name such as Europe/Helsinki."})
    profile.full_clean(exclude=["user", "avatar"])
    if display_name is not None:
        user.display_name = display_name.strip()
        user.full_clean(exclude=["password"])
        user.save(update_fields=["display_name"])
    profile.save()
    return profile


@transaction.atomic
def profile_avatar_set(*, user: User, upload) -> Profile:
    """Store a new avatar: checked, turned upright, stripped of all metadata and re-encoded (CLO-2).

    Raises ImageRejected with a clear message for anything that is not a usable picture; the old avatar stays.
    """
    processed = image_process(upload, max_side=AVATAR_MAX_SIDE)
    profile = profile_of(user)
    old_name = profile.avatar.name
    profile.avatar.save(f"avatar{processed.extension}", ContentFile(processed.content), save=False)
    profile.save()
    private_files_delete_on_commit(old_name)
    return profile


@transaction.atomic
def profile_avatar_clear(*, user: User) -> Profile:
    profile = profile_of(user)
    old_name = profile.avatar.name
    profile.avatar = ""
    profile.save()
    private_files_delete_on_commit(old_name)
    return profile


# --- Location (CON-5) ---------------------------------------------------------------------------------------


@transaction.atomic
def location_set(*, user: User, precision: str, place: str = "", latitude=None, longitude=None) -> Location:
    """Store where the person is, only while the location consent stands; approximate means a place name only,
    precise means a position rounded to about 100 m."""
    from privacy.selectors import consent_given

    if not consent_given(user, "location"):
        raise ConsentRequired("Turn on Location in Settings → Privacy first.")
    if precision == LocationPrecision.APPROXIMATE:
        if not place.strip():
            raise ValidationError({"place": "Name a city or region."})
        values = {"place": place.strip()[:120], "latitude": None, "longitude": None}
    elif precision == LocationPrecision.PRECISE:
        if latitude is None or longitude is None:
            raise ValidationError({"latitude": "A precise location needs a latitude and a longitude."})
        values = {
            "place": place.strip()[:120],
            "latitude": Decimal(str(latitude)).quantize(Decimal("0.001")),
            "longitude": Decimal(str(longitude)).quantize(Decimal("0.001")),
        }
    else:
        raise ValidationError({"precision": "Choose approximate or precise."})
    location = Location(user=user, precision=precision, **values)
    location.full_clean(exclude=["user"])
    location.save()
    return location


def location_delete(*, user: User) -> None:
    Location.objects.filter(user=user).delete()


__all__ = [
    "ImageRejected",
    "account_sign_out_everywhere",
    "device_details_report",
    "device_sign_in",
    "device_sign_out",
    "device_touch",
    "profile_avatar_clear",
    "profile_avatar_set",
    "profile_update",
]
