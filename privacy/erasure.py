"""Account erasure (RGT-4, RET-1, POL-2): close an account at once, erase it for good after a grace period.

Closing (:func:`account_erasure_start`) happens in one transaction: the account is deactivated, every session
and app token ends, marketing stops (inactive accounts are never recipients), a privacy request of kind
"erasure" records it, and an e-mail with a cancel link goes out once it commits.

Erasing (:func:`account_erase`, run by the daily sweep once ``erase_after`` has passed) is driven by the privacy
registry: every registered model's rows about the person are deleted or anonymised as the model declared, every
file those rows point to is removed from storage, cached data of the person goes, and the user row itself goes.
What remains is the :class:`~privacy.models.AccountErasure` receipt: dates, counts per data category and a
salted hash, no personal data. ``tests/privacy/test_erasure.py`` holds the deletion canary that proves it.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections import Counter
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from core.storage import private_files_delete_on_commit
from privacy.registry import registered_entries

logger = logging.getLogger(__name__)

_CANCEL_SALT = "privacy.erasure.cancel"


class ErasureCancelInvalid(ValueError):
    """The cancel link is forged, expired, or its erasure is no longer scheduled."""


def _security_event(kind: str, *, user, request=None) -> None:
    """Record the closure (or its cancelling) in the person's security log."""
    from security.services import security_event_record

    security_event_record(kind=kind, user=user, request=request)


def recently_reauthenticated(request) -> bool:
    """Whether the person re-authenticated within ACCOUNT_REAUTHENTICATION_TIMEOUT, with their second factor
    when they enrolled one (allauth's own check accepts a password alone; erasure asks for more)."""
    import time

    from allauth.account import app_settings as account_settings
    from allauth.account.internal.flows.login import get_authentication_records
    from allauth.account.internal.flows.reauthentication import get_reauthentication_flows

    flows = {flow["id"] for flow in get_reauthentication_flows(request.user)}
    if not flows:
        return True  # signs in only with Google or Apple: the typed address is the confirmation
    wanted = "mfa" if "mfa_reauthenticate" in flows else None
    cutoff = time.time() - account_settings.REAUTHENTICATION_TIMEOUT
    return any(
        record.get("reauthenticated")
        and record.get("at", 0) >= cutoff
        and (wanted is None or record["method"] == wanted)
        for record in get_authentication_records(request, request.user)
    )


def erasure_cancel_token(erasure) -> str:
    return signing.dumps(str(erasure.pk), salt=_CANCEL_SALT)


def erasure_cancel_url(erasure) -> str:
    from django.urls import reverse

    return settings.SITE_URL + reverse("privacy:erasure-cancel", args=[erasure_cancel_token(erasure)])


@transaction.atomic
def account_erasure_start(*, user, reason: str = "user_request", actor=None, request=None, note: str = ""):
    """Close ``user``'s account now and schedule its erasure after ERASURE_GRACE_DAYS (RGT-4, POL-2).

    ``actor`` is who asked: the person themselves, or a staff member (an under-age report, an e-mailed request).
    Idempotent: asking again while an erasure is scheduled returns that erasure unchanged.
    """
    from accounts.services import account_sign_out_everywhere
    from privacy.models import AccountErasure, ErasureReason, ErasureStatus, RequestChannel, RequestKind, RequestStatus
    from privacy.services import (
        privacy_request_create,
        privacy_request_start_for_signed_in,
        privacy_request_transition,
    )

    if reason not in ErasureReason.values:
        raise ValueError(f"Unknown erasure reason: {reason!r}.")
    existing = AccountErasure.objects.filter(user=user, status=ErasureStatus.SCHEDULED).first()
    if existing is not None:
        return existing
    now = timezone.now()
    erase_after = now + timedelta(days=settings.ERASURE_GRACE_DAYS)
    by_the_person = actor is not None and actor.pk == user.pk
    privacy_request = privacy_request_create(
        kind=RequestKind.ERASURE,
        channel=RequestChannel.SETTINGS if by_the_person else RequestChannel.EMAIL,
        user=user,
        actor=actor,
        details=note,
    )
    step = f"{ErasureReason(reason).label}. Account closed; erasure scheduled for {erase_after:%Y-%m-%d}."
    if by_the_person:
        privacy_request_start_for_signed_in(request=privacy_request, actor=actor, note=step)
    else:
        privacy_request_transition(
            request=privacy_request, to_status=RequestStatus.IDENTITY_VERIFIED, actor=actor,
            note="Decided by staff: " + (note or "no note."),
        )  # fmt: skip
        privacy_request_transition(request=privacy_request, to_status=RequestStatus.IN_PROGRESS, actor=actor, note=step)
    erasure = AccountErasure.objects.create(
        user=user, request=privacy_request, reason=reason, requested_at=now, erase_after=erase_after
    )
    user.is_active = False
    user.save(update_fields=["is_active"])
    account_sign_out_everywhere(user=user)
    _security_event("account_erasure_requested", user=user, request=request)
    transaction.on_commit(lambda: _erasure_notice_enqueue(erasure.pk))
    return erasure


def _erasure_notice_enqueue(erasure_id) -> None:
    from privacy.tasks import account_erasure_notice_send

    account_erasure_notice_send.delay(str(erasure_id))


def account_erasure_notice_send(*, erasure_id) -> bool:
    """E-mail the person that their account is closed, when it will be erased, and the link that cancels it."""
    from privacy.models import AccountErasure, ErasureStatus

    erasure = AccountErasure.objects.select_related("user").filter(pk=erasure_id).first()
    if erasure is None or erasure.status != ErasureStatus.SCHEDULED or erasure.user is None:
        return False
    body = render_to_string(
        "privacy/email/erasure_scheduled.txt", {"erasure": erasure, "cancel_url": erasure_cancel_url(erasure)}
    )
    subject = f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}Your account is closed and will be erased"
    send_mail(subject, body, None, [erasure.user.email])
    return True


@transaction.atomic
def account_erasure_cancel(*, token: str, request=None):
    """Undo a closure from the e-mailed link: the account is active again (the person signs in afresh)."""
    from privacy.models import AccountErasure, ErasureStatus, RequestStatus
    from privacy.services import privacy_request_transition

    try:
        erasure_id = signing.loads(token, salt=_CANCEL_SALT, max_age=timedelta(days=settings.ERASURE_GRACE_DAYS + 1))
    except signing.BadSignature as error:
        raise ErasureCancelInvalid("This link is not valid or has expired.") from error
    erasure = AccountErasure.objects.select_for_update().filter(pk=erasure_id).first()
    if erasure is None or erasure.status != ErasureStatus.SCHEDULED or erasure.user is None:
        raise ErasureCancelInvalid("This account is no longer waiting to be erased, so there is nothing to cancel.")
    erasure.status = ErasureStatus.CANCELLED
    erasure.cancelled_at = timezone.now()
    erasure.save(update_fields=["status", "cancelled_at"])
    user = erasure.user
    user.is_active = True
    user.save(update_fields=["is_active"])
    if erasure.request is not None and erasure.request.is_open:
        privacy_request_transition(
            request=erasure.request,
            to_status=RequestStatus.CANCELLED,
            actor=user,
            note="Cancelled from the link in the e-mail.",
        )
    _security_event("account_erasure_cancelled", user=user, request=request)
    return erasure


def subject_hash(salt: str, email: str) -> str:
    """The receipt's fingerprint of the person: HMAC-SHA256 of the normalised e-mail address under ``salt``."""
    return hmac.new(salt.encode(), email.strip().lower().encode(), hashlib.sha256).hexdigest()


def _user_caches_clear(user_id) -> None:
    """Drop cached data of the person: the closet list's cached pages."""
    from closet.list_cache import closet_list_cache_clear

    closet_list_cache_clear(owner_id=user_id)


def account_erase(*, erasure_id) -> bool:
    """Erase a closed account for good, as the privacy registry declares, and keep only the receipt.

    Returns False (and does nothing) when the erasure is not scheduled any more. Runs in one transaction: a
    failure leaves everything as it was, to be retried by the next sweep. Files go once the transaction commits.
    """
    from privacy.models import AccountErasure, ErasureStatus, RequestStatus
    from privacy.services import privacy_request_transition

    with transaction.atomic():
        erasure = (
            AccountErasure.objects.select_for_update(of=("self",)).select_related("user").filter(pk=erasure_id).first()
        )
        if erasure is None or erasure.status != ErasureStatus.SCHEDULED or erasure.user is None:
            return False
        user = erasure.user
        user_id, address = user.pk, user.email
        # RGT-7: every connected store is told to delete what it holds, before the connections (and their
        # pseudonyms) go. The notices keep no link to the account, so they outlive it; delivery starts on commit.
        from stores.services.connections import store_connections_erase

        store_connections_erase(user=user)
        counts: Counter[str] = Counter()
        files: list[str] = []
        files_to_delete: list[str] = []  # not those whose receiver deletes them with the rows (files_deleted_by_signal)
        entries = [entry for entry in registered_entries() if entry.owner != "self"]
        # Count and collect files first: deleting one model cascades into others (an item takes its photos).
        for entry in entries:
            rows = entry.rows_of(user)
            if entry.erasure.kind == "keep":
                continue
            counts[str(entry.category)] += rows.count()
            for field in entry.file_fields:
                names = [name for name in rows.values_list(field, flat=True) if name]
                files.extend(names)
                if not entry.files_deleted_by_signal:
                    files_to_delete.extend(names)
        for entry in entries:
            rows = entry.rows_of(user)
            if entry.erasure.kind == "delete":
                rows.delete()
            elif entry.erasure.kind == "anonymise":
                rows.update(**{name: _blank(entry.model, name) for name in entry.erasure.fields})
        counts["account"] += 1
        user.delete()
        erasure.refresh_from_db()
        erasure.subject_salt = secrets.token_hex(16)
        erasure.subject_hash = subject_hash(erasure.subject_salt, address)
        erasure.counts = dict(sorted(counts.items()))
        erasure.files_removed = len(set(files))
        erasure.status = ErasureStatus.COMPLETED
        erasure.completed_at = timezone.now()
        erasure.save()
        if erasure.request is not None and erasure.request.is_open:
            # The person's address is gone from the database now; the completion e-mail below is its last use.
            privacy_request_transition(
                request=erasure.request,
                to_status=RequestStatus.COMPLETED,
                actor_label="system",
                note=f"Erased: {sum(counts.values())} records in {len(counts)} categories, "
                f"{erasure.files_removed} files.",
                answer=False,
            )
        private_files_delete_on_commit(*set(files_to_delete))
        transaction.on_commit(lambda: _user_caches_clear(user_id))
        transaction.on_commit(lambda: _erasure_done_send(address, erasure.pk))
    logger.info("Erased account of erasure %s: %s", erasure.pk, erasure.counts)
    return True


def _blank(model, name: str):
    field = model._meta.get_field(name)
    if field.null:
        return None
    return "" if field.get_internal_type() in ("CharField", "TextField", "EmailField", "SlugField") else field.default


def _erasure_done_send(address: str, erasure_id) -> None:
    body = render_to_string("privacy/email/erasure_done.txt", {"erasure_id": erasure_id})
    send_mail(f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}Your account has been erased", body, None, [address])


def account_erasures_due_run(*, now: datetime | None = None) -> int:
    """The daily sweep (RET-1): erase every closed account whose grace period is over. Returns how many.

    Each account is erased in its own transaction; one that fails is logged and retried on the next run.
    """
    from privacy.models import AccountErasure, ErasureStatus

    now = now or timezone.now()
    due = AccountErasure.objects.filter(status=ErasureStatus.SCHEDULED, erase_after__lte=now)
    erased = 0
    for erasure_id in due.values_list("pk", flat=True):
        try:
            erased += account_erase(erasure_id=erasure_id)
        except Exception:
            logger.exception("Erasure %s failed; the next sweep retries it", erasure_id)
    return erased
