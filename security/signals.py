"""Receivers that write the security log (sign-ins, failures, new devices, sensitive changes), create the staff
groups after migrations, and cut the staff access log's link to a person being erased."""

from __future__ import annotations

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save, pre_delete
from django.dispatch import receiver

from accounts.models import Device
from security.models import EventKind
from security.services import security_event_record, security_sign_in_failed_record, staff_access_subject_forget


@receiver(user_logged_in, dispatch_uid="security.sign_in")
def sign_in_record(sender, request, user, **kwargs) -> None:
    security_event_record(kind=EventKind.SIGN_IN, user=user, request=request)


@receiver(user_logged_out, dispatch_uid="security.sign_out")
def sign_out_record(sender, request, user, **kwargs) -> None:
    if user is not None and user.is_authenticated:
        security_event_record(kind=EventKind.SIGN_OUT, user=user, request=request)


@receiver(user_login_failed, dispatch_uid="security.sign_in_failed")
def sign_in_failed_record(sender, credentials, request=None, **kwargs) -> None:
    """Django sends the credentials with the password already masked; the typed address is hashed or linked."""
    security_sign_in_failed_record(credentials=credentials, request=request)


@receiver(post_save, sender=Device, dispatch_uid="security.new_device")
def new_device_record(sender, instance: Device, created: bool, **kwargs) -> None:
    if created and not kwargs.get("raw"):
        security_event_record(kind=EventKind.NEW_DEVICE, user=instance.owner, detail=instance.name)


@receiver(account_signals.password_set, dispatch_uid="security.password_set")
def password_set_record(sender, request, user, **kwargs) -> None:
    security_event_record(kind=EventKind.PASSWORD_SET, user=user, request=request)


@receiver(account_signals.password_changed, dispatch_uid="security.password_changed")
def password_changed_record(sender, request, user, **kwargs) -> None:
    security_event_record(kind=EventKind.PASSWORD_CHANGED, user=user, request=request)


@receiver(account_signals.password_reset, dispatch_uid="security.password_reset")
def password_reset_record(sender, request, user, **kwargs) -> None:
    security_event_record(kind=EventKind.PASSWORD_RESET, user=user, request=request)


@receiver(account_signals.email_added, dispatch_uid="security.email_added")
def email_added_record(sender, request, user, email_address, **kwargs) -> None:
    # The address itself is not copied into the log: it is in the account, and the log outlives a change.
    security_event_record(kind=EventKind.EMAIL_ADDED, user=user, request=request)


@receiver(account_signals.email_changed, dispatch_uid="security.email_changed")
def email_changed_record(sender, request, user, **kwargs) -> None:
    security_event_record(kind=EventKind.EMAIL_CHANGED, user=user, request=request)


def _authenticator_label(authenticator: Authenticator) -> str:
    return str(Authenticator.Type(authenticator.type).label) if authenticator.type in Authenticator.Type.values else ""


@receiver(mfa_signals.authenticator_added, dispatch_uid="security.mfa_added")
def authenticator_added_record(sender, request, user, authenticator: Authenticator, **kwargs) -> None:
    kind = (
        EventKind.RECOVERY_CODES_GENERATED
        if authenticator.type == Authenticator.Type.RECOVERY_CODES
        else EventKind.MFA_ENABLED
    )
    security_event_record(kind=kind, user=user, request=request, detail=_authenticator_label(authenticator))


@receiver(mfa_signals.authenticator_reset, dispatch_uid="security.mfa_reset")
def authenticator_reset_record(sender, request, user, authenticator: Authenticator, **kwargs) -> None:
    security_event_record(
        kind=EventKind.RECOVERY_CODES_GENERATED, user=user, request=request, detail=_authenticator_label(authenticator)
    )


@receiver(mfa_signals.authenticator_removed, dispatch_uid="security.mfa_removed")
def authenticator_removed_record(sender, request, user, authenticator: Authenticator, **kwargs) -> None:
    if authenticator.type == Authenticator.Type.RECOVERY_CODES:
        return  # removed together with the last real authenticator; that removal is the event
    security_event_record(
        kind=EventKind.MFA_DISABLED, user=user, request=request, detail=_authenticator_label(authenticator)
    )


@receiver(mfa_signals.authentication_failed, dispatch_uid="security.mfa_failed")
def mfa_failed_record(sender, request, user, authenticator: Authenticator | None = None, **kwargs) -> None:
    security_event_record(kind=EventKind.MFA_FAILED, user=user, request=request)


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="security.subject_forget")
def staff_access_subject_forget_on_delete(sender, instance, **kwargs) -> None:
    """Erasure deletes the user row; the staff access rows about them must not keep their id (SEC-1)."""
    staff_access_subject_forget(user=instance)
