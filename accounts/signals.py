"""Receivers that tie allauth's events to our services."""

from __future__ import annotations

from allauth.socialaccount.models import SocialAccount
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import pre_save
from django.dispatch import receiver

from accounts.adapters import PROVIDER_FIELDS_KEPT
from accounts.services import SESSION_DEVICE_KEY, device_sign_in, location_delete
from privacy.signals import consent_withdrawn


@receiver(user_logged_in)
def device_record_on_sign_in(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "device_token"):
        return
    device = device_sign_in(
        user=user, token=request.device_token, user_agent=request.headers.get("User-Agent", ""), request=request
    )
    request.session[SESSION_DEVICE_KEY] = str(device.pk)
    request.device_cookie_needed = True


@receiver(pre_save, sender=SocialAccount)
def social_account_keep_only_needed_fields(sender, instance: SocialAccount, **kwargs) -> None:
    """Data minimisation at the point of storage: allauth saves a provider's answer on sign-up and again on every
    sign-in, so the trimming happens here, where every path passes (ACC-1)."""
    instance.extra_data = {k: v for k, v in (instance.extra_data or {}).items() if k in PROVIDER_FIELDS_KEPT}


@receiver(consent_withdrawn)
def location_forget_on_withdrawal(sender, user, purpose: str, **kwargs) -> None:
    """CON-5: the location exists only while its consent stands."""
    if purpose == "location":
        location_delete(user=user)
