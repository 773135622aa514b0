"""Reads of the privacy app: the current state of each consent, and the history behind it."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from datetime import datetime

from django.db.models import F, Max, OuterRef, QuerySet, Subquery

from privacy.models import Choice, ConsentEvent, ConsentSubjectLink, ExportJob
from privacy.purposes import PURPOSES
from privacy.services import consent_subject_key


def consent_given(user, purpose: str) -> bool:
    """Whether ``user``'s consent for ``purpose`` stands right now: one indexed query on the chain's last link.

    Every code path that depends on a consent asks this at the moment it acts, so a withdrawal takes effect at once.
    """
    if user is None or not user.is_authenticated:
        return False
    latest = (
        ConsentEvent.objects.filter(subject_key=consent_subject_key(user=user), purpose=purpose)
        .order_by("-id")
        .values_list("choice", flat=True)
        .first()
    )
    return latest == Choice.GRANTED


def consent_given_by_visitor(visitor_id: str | None, purpose: str) -> bool:
    if not visitor_id:
        return False
    latest = (
        ConsentEvent.objects.filter(subject_key=consent_subject_key(visitor_id=visitor_id), purpose=purpose)
        .order_by("-id")
        .values_list("choice", flat=True)
        .first()
    )
    return latest == Choice.GRANTED


def consent_latest_events(*, subject_key: str) -> dict[str, ConsentEvent]:
    """Each purpose's latest event for one subject."""
    latest_ids = (
        ConsentEvent.objects.filter(subject_key=subject_key).values("purpose").annotate(last=Max("id")).values("last")
    )
    return {event.purpose: event for event in ConsentEvent.objects.filter(id__in=Subquery(latest_ids))}


def consent_states(user) -> list[dict]:
    """Every purpose with its current state for the privacy centre: granted or not, and the event behind it."""
    latest = consent_latest_events(subject_key=consent_subject_key(user=user))
    states = []
    for purpose in PURPOSES.values():
        event = latest.get(purpose.key)
        states.append(
            {
                "purpose": purpose,
                "granted": event is not None and event.choice == Choice.GRANTED,
                "event": event,
            }
        )
    return states


def consent_history(user) -> QuerySet[ConsentEvent]:
    """Everything the log holds about this person: their account's events and those made before they signed in."""
    visitor_keys = ConsentSubjectLink.objects.filter(user=user).values_list("visitor_key", flat=True)
    keys = [consent_subject_key(user=user), *visitor_keys]
    return ConsentEvent.objects.filter(subject_key__in=keys).order_by("id")


def consent_chains_expired(*, cutoff: datetime) -> Iterator[tuple[str, str]]:
    """(subject, purpose) pairs whose latest event is a withdrawal or refusal made before ``cutoff``."""
    latest = ConsentEvent.objects.filter(subject_key=OuterRef("subject_key"), purpose=OuterRef("purpose")).order_by(
        "-id"
    )
    rows = (
        ConsentEvent.objects.annotate(
            latest_id=Subquery(latest.values("id")[:1]),
        )
        .filter(id=F("latest_id"), choice__in=[Choice.WITHDRAWN, Choice.DECLINED], created_at__lt=cutoff)
        .values_list("subject_key", "purpose")
    )
    yield from rows.iterator()


def consent_chain_breaks() -> list[str]:
    """Every place where the log does not add up: an edited event (its hash no longer matches its fields) or a
    removed or reordered one (its link to the previous hash is broken). Empty when the log is intact."""
    problems = []
    last_hash: dict[tuple[str, str], str] = {}
    for event in ConsentEvent.objects.order_by("id").iterator(chunk_size=2000):
        chain = (event.subject_key, event.purpose)
        if event.compute_hash() != event.hash:
            problems.append(f"event {event.pk}: its content does not match its hash (edited)")
        if event.previous_hash != last_hash.get(chain, ""):
            problems.append(f"event {event.pk}: does not follow the previous event of its chain (removed or moved)")
        last_hash[chain] = event.hash
    return problems


def marketing_recipients():
    """Active accounts whose latest marketing_email choice is "granted", in one query."""
    from django.contrib.auth import get_user_model

    latest_choice = (
        ConsentEvent.objects.filter(user=OuterRef("pk"), purpose="marketing_email").order_by("-id").values("choice")[:1]
    )
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .annotate(marketing_choice=Subquery(latest_choice))
        .filter(marketing_choice=Choice.GRANTED)
        .exclude(restrictions__purpose="marketing")  # an objection to marketing stops it (RGT-5)
        .order_by("pk")
    )


def notification_preferences_of(user):
    """The person's e-mail preferences; defaults (service e-mails on, reminders off) until they change them."""
    from privacy.models import NotificationPreferences

    return NotificationPreferences.objects.filter(user=user).first() or NotificationPreferences(user=user)


def policy_current(kind: str = "privacy", *, today=None):
    """The version in force today: the latest published one whose effective date has come."""
    from django.utils import timezone

    from privacy.models import PolicyVersion

    today = today or timezone.localdate()
    return (
        PolicyVersion.objects.filter(kind=kind, published_at__isnull=False, effective_on__lte=today)
        .order_by("-effective_on", "-published_at")
        .first()
    )


def policy_versions(kind: str = "privacy"):
    from privacy.models import PolicyVersion

    return PolicyVersion.objects.filter(kind=kind, published_at__isnull=False).order_by("-effective_on")


def policy_changes_to_acknowledge(user):
    """Published material changes this person has not acknowledged yet, for the in-app notice."""
    from privacy.models import PolicyVersion

    if user is None or not user.is_authenticated:
        return PolicyVersion.objects.none()
    return PolicyVersion.objects.filter(published_at__isnull=False, material=True).exclude(acknowledgements__user=user)


# How late another process may learn of a newly published material change (this process: at once, see
# privacy/signals.py). The notice is announced weeks before a change takes effect (POL-1); a minute is nothing.
MATERIAL_POLICIES_MEMO_SECONDS = 60
# (fingerprint, monotonic time it expires): one per process, in front of the database. Global data, read on
# every signed-in page: a shared cache would cost a round trip a page for a value that changes a few times a year.
_material_policies_memo: tuple[str, float] | None = None


def material_policies_signature() -> str:
    """A fingerprint of the set of published material policy versions: it changes whenever one is published,
    unpublished, added or removed. One query at most every ``MATERIAL_POLICIES_MEMO_SECONDS`` per process.

    Every signed-in page asks whether its reader has a change to acknowledge; a person who has acknowledged
    everything under this fingerprint need not be asked the database again (privacy/context_processors.py).
    """
    global _material_policies_memo
    from privacy.models import PolicyVersion

    memo = _material_policies_memo
    if memo is not None and memo[1] > time.monotonic():
        return memo[0]
    ids = PolicyVersion.objects.filter(published_at__isnull=False, material=True).order_by("pk")
    signature = hashlib.sha256(",".join(str(pk) for pk in ids.values_list("pk", flat=True)).encode()).hexdigest()
    _material_policies_memo = (signature, time.monotonic() + MATERIAL_POLICIES_MEMO_SECONDS)
    return signature


def material_policies_forget() -> None:
    """Read the published set from the database on the next page (a version was saved or deleted)."""
    global _material_policies_memo
    _material_policies_memo = None


def export_job_list(user) -> QuerySet[ExportJob]:
    """The person's own data exports, newest first: the one query every interface reads them through."""
    return ExportJob.objects.filter(owner=user).order_by("-created_at")


def privacy_request_list(*, user):
    """The person's own privacy requests, newest first: the one query every interface reads them through."""
    from privacy.models import PrivacyRequest

    return PrivacyRequest.objects.filter(user=user).order_by("-received_at")


def privacy_requests_open_for_rectification(*, user):
    """The person's requests that may authorise staff to correct their data (RGT-3): open rectification requests,
    except an e-mailed one still waiting for its identity code. The admin's user form offers exactly these and the
    service that records a correction accepts only these."""
    from privacy.models import REQUEST_OPEN_STATUSES, PrivacyRequest, RequestChannel, RequestKind, RequestStatus

    return PrivacyRequest.objects.filter(
        user=user, kind=RequestKind.RECTIFICATION, status__in=REQUEST_OPEN_STATUSES
    ).exclude(channel=RequestChannel.EMAIL, status=RequestStatus.RECEIVED)


def privacy_requests_overdue(*, today=None):
    """Open requests (staff-wide, not owner-scoped) whose due date has passed."""
    from django.utils import timezone

    from privacy.models import REQUEST_OPEN_STATUSES, PrivacyRequest

    today = today or timezone.localdate()
    return PrivacyRequest.objects.filter(status__in=REQUEST_OPEN_STATUSES, due_on__lt=today).order_by("due_on")


def privacy_requests_due_soon(*, today=None, business_days: int = 2, include_overdue: bool = True):
    """Open requests (staff-wide) due within ``business_days`` business days of ``today``, and the overdue ones
    unless ``include_overdue`` is False."""
    from django.utils import timezone

    from privacy.deadlines import business_days_add, privacy_request_holidays
    from privacy.models import REQUEST_OPEN_STATUSES, PrivacyRequest

    today = today or timezone.localdate()
    limit = business_days_add(today, business_days, holidays=privacy_request_holidays())
    rows = PrivacyRequest.objects.filter(status__in=REQUEST_OPEN_STATUSES, due_on__lte=limit)
    if not include_overdue:
        rows = rows.filter(due_on__gte=today)
    return rows.select_related("user").order_by("due_on", "received_at")


def processing_restricted(user, purpose: str) -> bool:
    """Whether ``user`` restricted or objected to ``purpose`` (RGT-5). Anonymous visitors have no restrictions."""
    from privacy.models import ProcessingRestriction

    if user is None or not user.is_authenticated:
        return False
    return ProcessingRestriction.objects.filter(user=user, purpose=purpose).exists()


def processing_restrictions_of(user) -> set[str]:
    from privacy.models import ProcessingRestriction

    return set(ProcessingRestriction.objects.filter(user=user).values_list("purpose", flat=True))
