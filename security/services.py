"""Writes of the security app: the security log, the staff access audit and incident notifications."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.selectors import user_by_email
from accounts.user_agents import device_name
from privacy.services import ip_truncate
from security.models import (
    AccessAction,
    EventKind,
    IncidentAffectedUser,
    SecurityEvent,
    SecurityIncident,
    StaffAccessLog,
)

logger = logging.getLogger(__name__)


def failed_sign_in_email_hash(email: str) -> str:
    """A keyed hash of an address typed at a failed sign-in: equal for equal addresses (so repeated attempts show),
    useless to anyone without the secret key, and never reversible to the address."""
    return salted_hmac("security.sign_in_failed", email.strip().lower(), algorithm="sha256").hexdigest()


def _request_details(request: HttpRequest | None) -> tuple[str, str]:
    """A shortened IP address and a readable device name ("Firefox on Windows"), never the full user agent."""
    if request is None:
        return "", ""
    meta = getattr(request, "META", {})
    user_agent = meta.get("HTTP_USER_AGENT", "")
    return ip_truncate(meta.get("REMOTE_ADDR")), device_name(user_agent) if user_agent else ""


@transaction.atomic
def security_event_record(
    *,
    kind: str,
    user=None,
    request: HttpRequest | None = None,
    detail: str = "",
    email_hash: str = "",
) -> SecurityEvent:
    """Append one event to the security log of ``user`` (shown to them in Settings → Security log).

    ``user`` is None only for a failed sign-in for an address with no account; pass ``email_hash``
    (failed_sign_in_email_hash) then, never the address. The IP address is stored shortened (/24, /48) and the
    browser only as a device name. Raises ValueError for an unknown kind, so a typo cannot write a silent row.
    """
    if kind not in EventKind.values:
        raise ValueError(f"Unknown security event kind: {kind!r}.")
    if user is not None and not getattr(user, "pk", None):
        user = None
    ip, device = _request_details(request)
    return SecurityEvent.objects.create(
        user=user, kind=kind, email_hash=email_hash, ip_truncated=ip, user_agent=device[:80], detail=detail[:200]
    )


def security_sign_in_failed_record(*, credentials: dict, request: HttpRequest | None = None) -> SecurityEvent | None:
    """A failed sign-in: in the log of the account it named, or, for an unknown address, with only a keyed hash
    of what was typed (no account, no clear text)."""
    login = credentials.get("email") or credentials.get("username") or credentials.get("login") or ""
    if not isinstance(login, str) or not login.strip():
        return None
    user = user_by_email(login)
    if user is not None:
        return security_event_record(kind=EventKind.SIGN_IN_FAILED, user=user, request=request)
    return security_event_record(
        kind=EventKind.SIGN_IN_FAILED, request=request, email_hash=failed_sign_in_email_hash(login)
    )


# --- Staff access audit (SEC-1) -------------------------------------------------------------------------------


def staff_access_record(
    *,
    staff,
    model: type[models.Model],
    action: str,
    path: str,
    object_id: str = "",
    subject_id: int | None = None,
    object_count: int | None = None,
) -> StaffAccessLog:
    """Record that a staff member opened (listed, changed, deleted…) records of a model holding personal data.

    Only ids are stored about the subject, never a name or address; a subject erased in this very request (staff
    deleted the account) is not linked. Only a deletion can have removed them since the page looked them up, so
    only a deletion pays for the check: every other audited page is one INSERT.
    """
    if action not in AccessAction.values:
        raise ValueError(f"Unknown staff access action: {action!r}.")
    if (
        action == AccessAction.DELETE
        and subject_id is not None
        and not get_user_model().objects.filter(pk=subject_id).exists()
    ):
        subject_id, object_id, path = None, "", ""  # erased by this deletion: keep no trace of them
    return StaffAccessLog.objects.create(
        staff=staff,
        subject_id=subject_id,
        model_label=model._meta.label,
        object_id=str(object_id)[:64],
        object_count=object_count,
        action=action,
        path=path[:300],
    )


def staff_access_subject_forget(*, user) -> int:
    """The person is being erased: staff access rows about them keep no link to them. The subject, the object id
    and the path (which holds the id) are blanked; who looked, at which model, how and when stay on record."""
    return StaffAccessLog.objects.filter(subject=user).update(subject=None, object_id="", path="")


# --- Incidents (SEC-4) ----------------------------------------------------------------------------------------


@transaction.atomic
def security_incident_notify_enqueue(*, incident: SecurityIncident) -> None:
    """Ask for the affected people to be e-mailed, in the background. Refused without a subject and body."""
    if not incident.notification_subject.strip() or not incident.notification_body.strip():
        raise ValidationError("Write the notification's subject and body before notifying anyone.")
    if not incident.affected.filter(notified_at__isnull=True, user__isnull=False).exists():
        raise ValidationError("Every affected person has already been notified (or none is listed).")
    SecurityIncident.objects.filter(pk=incident.pk).update(notification_requested_at=timezone.now())
    from security.tasks import incident_notify

    incident_id = incident.pk
    transaction.on_commit(lambda: incident_notify.delay(incident_id))


def security_incident_notify(*, incident_id: int) -> int:
    """E-mail the notification to every affected person not yet notified; record when each was. Returns how many.

    Idempotent: a person already notified is skipped, so running it twice (a retried task, a second click) sends
    nobody a second e-mail. Each person is locked, mailed and marked in one transaction of their own, so two
    workers cannot both mail them and a failure part-way leaves the others' records right.
    """
    incident = SecurityIncident.objects.get(pk=incident_id)
    subject = f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{incident.notification_subject.strip()}"
    pending = list(
        IncidentAffectedUser.objects.filter(incident=incident, notified_at__isnull=True, user__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    sent = 0
    for row_id in pending:
        with transaction.atomic():
            row = (
                IncidentAffectedUser.objects.select_for_update()
                .select_related("user")
                .filter(pk=row_id, notified_at__isnull=True, user__isnull=False)
                .first()
            )
            if row is None:
                continue
            send_mail(subject, incident.notification_body, None, [row.user.email])
            row.notified_at = timezone.now()
            row.save(update_fields=["notified_at"])
            sent += 1
    logger.info("Incident %s: %s affected people notified.", incident_id, sent)
    return sent
