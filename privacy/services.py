"""Writes of the privacy app: the consent log (append-only, hash-chained) and its retention purge."""

from __future__ import annotations

import ipaddress
import logging
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from core.storage import private_files_delete_on_commit
from privacy.models import Channel, Choice, ConsentEvent, ConsentSubjectLink, ExportJob, ExportStatus, Method
from privacy.purposes import purpose_get

logger = logging.getLogger(__name__)


class ConsentRequired(PermissionError):
    """A feature needs a consent the person has not given (or has withdrawn); the message says where to give it."""


class ProcessingRestricted(ConsentRequired):
    """The person restricted or objected to this use of their data (RGT-5): the code path does not run."""

    code = "processing_restricted"


def consent_subject_key(*, user=None, visitor_id: str | None = None) -> str:
    """A keyed pseudonym for the subject of consent events: the proof outlives the account without naming it."""
    if user is not None:
        return "u:" + salted_hmac("privacy.consent.user", str(user.pk)).hexdigest()[:40]
    if visitor_id:
        return "v:" + salted_hmac("privacy.consent.visitor", visitor_id).hexdigest()[:40]
    raise ValueError("A consent event needs a user or a visitor id.")


def ip_truncate(address: str | None) -> str:
    """Keep only the network part of an IP address (/24 for IPv4, /48 for IPv6): enough to show where a
    request came from, not who sent it."""
    if not address:
        return ""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return ""
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def _request_origin(request: HttpRequest | None) -> tuple[str, str]:
    if request is None:
        return "", ""
    origin = f"{request.get_host()}{request.path}"[:200]
    return origin, ip_truncate(request.META.get("REMOTE_ADDR"))


@transaction.atomic
def consent_record(
    *,
    purpose: str,
    choice: str,
    method: str,
    channel: str,
    user=None,
    visitor_id: str | None = None,
    request: HttpRequest | None = None,
    at: datetime | None = None,
) -> ConsentEvent:
    """Append one consent event, chained to the subject's previous event for the same purpose.

    Raises LookupError for an unknown purpose and ValueError for an unknown choice, method or channel: nothing is
    written then. The notice recorded is the purpose's current one: the words the person was shown.
    """
    notice = purpose_get(purpose).notice
    if choice not in Choice.values or method not in Method.values or channel not in Channel.values:
        raise ValueError(f"Unknown choice, method or channel: {choice!r}, {method!r}, {channel!r}.")
    subject = consent_subject_key(user=user, visitor_id=visitor_id)
    # Lock the chain's last link so two simultaneous choices cannot fork it.
    previous = (
        ConsentEvent.objects.select_for_update().filter(subject_key=subject, purpose=purpose).order_by("-id").first()
    )
    origin, ip = _request_origin(request)
    event = ConsentEvent(
        subject_key=subject,
        user=user,
        purpose=purpose,
        notice_version=notice.version,
        notice_digest=notice.digest,
        choice=choice,
        method=method,
        channel=channel,
        origin=origin,
        ip_truncated=ip,
        created_at=at or timezone.now(),
        previous_hash=previous.hash if previous else "",
    )
    event.hash = event.compute_hash()
    event.save()
    if user is not None and choice != Choice.GRANTED:
        from privacy.signals import consent_withdrawn

        consent_withdrawn.send(sender=ConsentEvent, user=user, purpose=purpose)
    return event


@transaction.atomic
def consent_visitor_merge(*, visitor_id: str, user, request: HttpRequest | None = None) -> list[ConsentEvent]:
    """When a visitor signs in, the choices they made before count for the account: each purpose's latest choice
    is appended to the account's log (unless the account made a newer one). No event is rewritten."""
    from privacy.selectors import consent_latest_events

    visitor_key = consent_subject_key(visitor_id=visitor_id)
    if ConsentSubjectLink.objects.filter(visitor_key=visitor_key).exists():
        return []
    ConsentSubjectLink.objects.create(visitor_key=visitor_key, user=user)
    account_latest = consent_latest_events(subject_key=consent_subject_key(user=user))
    merged = []
    for purpose, event in consent_latest_events(subject_key=visitor_key).items():
        newer = account_latest.get(purpose)
        if newer is not None and newer.created_at >= event.created_at:
            continue
        merged.append(
            consent_record(
                purpose=purpose,
                choice=event.choice,
                method=event.method,
                channel=event.channel,
                user=user,
                request=request,
            )
        )
    return merged


def consent_events_purge(*, now: datetime | None = None, days: int | None = None) -> int:
    """Delete the whole chain of a (subject, purpose) whose latest choice is a withdrawal or refusal older than the
    retention period (CON-2). Granted consents are kept as long as they stand. Returns how many events went."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=days if days is not None else settings.CONSENT_RETENTION_DAYS)
    from privacy.selectors import consent_chains_expired

    deleted = 0
    for subject_key, purpose in consent_chains_expired(cutoff=cutoff):
        with transaction.atomic():
            deleted += ConsentEvent.objects.filter(subject_key=subject_key, purpose=purpose)._retention_purge()
    return deleted


def cookie_choice_make(*, request: HttpRequest, analytics: bool, method: str = Method.BANNER):
    """Record a banner choice (or a GPC opt-out) in the consent log, for the account when signed in and for the
    browser's visitor id otherwise; returns the choice to store in the browser's cookie."""
    from privacy.cookies import CookieChoice, cookie_choice_read, visitor_id_new

    previous = cookie_choice_read(request)
    visitor_id = previous.visitor_id if previous else visitor_id_new()
    user = request.user if getattr(request, "user", None) and request.user.is_authenticated else None
    subject = {"user": user} if user else {"visitor_id": visitor_id}
    consent_record(
        purpose="analytics",
        choice=Choice.GRANTED if analytics else Choice.DECLINED,
        method=method,
        channel=Channel.WEB,
        request=request,
        **subject,
    )
    if method == Method.GPC and user is not None:
        from privacy.selectors import consent_given

        if consent_given(user, "marketing_email"):
            consent_record(
                purpose="marketing_email", choice=Choice.WITHDRAWN, method=Method.GPC, channel=Channel.WEB,
                request=request, user=user,
            )  # fmt: skip
    return CookieChoice(visitor_id=visitor_id, analytics=analytics, gpc=method == Method.GPC)


def usage_event_record(*, request: HttpRequest, view_name: str) -> None:
    """Count one page view; called only when the analytics consent stands (privacy.middleware)."""
    from privacy.cookies import cookie_choice_read
    from privacy.models import UsageEvent

    user = request.user if request.user.is_authenticated else None
    choice = cookie_choice_read(request)
    subject = consent_subject_key(user=user, visitor_id=choice.visitor_id if choice else None)
    UsageEvent.objects.create(subject_key=subject, user=user, view_name=view_name[:100])


# --- Marketing e-mail (CON-4) -----------------------------------------------------------------------------

_UNSUBSCRIBE_SALT = "privacy.unsubscribe"
UNSUBSCRIBE_TOKEN_MAX_AGE = 60 * 60 * 24 * 365


class UnsubscribeTokenInvalid(ValueError):
    """The link was not made by us (forged or mangled)."""


class UnsubscribeTokenUsed(ValueError):
    """The link was already used: the person is already unsubscribed; nothing changes."""


def unsubscribe_token_make(delivery) -> str:
    from django.core import signing

    return signing.dumps({"d": delivery.pk, "n": delivery.token_nonce}, salt=_UNSUBSCRIBE_SALT, compress=True)


@transaction.atomic
def unsubscribe_token_use(token: str, *, request: HttpRequest | None = None):
    """Withdraw the marketing consent of the person a newsletter link was sent to: no sign-in needed (RFC 8058).

    The token is signed (a forged one raises UnsubscribeTokenInvalid) and single-use (a replayed one raises
    UnsubscribeTokenUsed); neither changes anything.
    """
    from django.core import signing

    from privacy.models import NewsletterDelivery

    try:
        data = signing.loads(token, salt=_UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_TOKEN_MAX_AGE)
        delivery = NewsletterDelivery.objects.select_for_update().get(pk=data["d"], token_nonce=data["n"])
    except (signing.BadSignature, KeyError, TypeError, NewsletterDelivery.DoesNotExist) as exc:
        raise UnsubscribeTokenInvalid("This unsubscribe link is not valid.") from exc
    if delivery.unsubscribed_at is not None:
        raise UnsubscribeTokenUsed("This link was already used: you are unsubscribed.")
    delivery.unsubscribed_at = timezone.now()
    delivery.save(update_fields=["unsubscribed_at"])
    consent_record(
        user=delivery.user,
        purpose="marketing_email",
        choice=Choice.WITHDRAWN,
        method=Method.UNSUBSCRIBE,
        channel=Channel.EMAIL,
        request=request,
    )
    return delivery


def newsletter_send(*, newsletter_id: int) -> int:
    """Send a newsletter to everyone whose marketing consent stands at the moment their copy is sent.

    Each copy carries List-Unsubscribe and List-Unsubscribe-Post (RFC 8058) and a visible link. Idempotent: a
    retried task skips people who already got this newsletter. Returns how many copies were sent this time.
    """
    import secrets

    from django.core.mail import EmailMessage
    from django.template.loader import render_to_string
    from django.urls import reverse

    from privacy.models import Newsletter, NewsletterDelivery, NewsletterStatus
    from privacy.selectors import consent_given, marketing_recipients

    newsletter = Newsletter.objects.filter(pk=newsletter_id).first()
    if newsletter is None or newsletter.status == NewsletterStatus.SENT:
        return 0
    Newsletter.objects.filter(pk=newsletter.pk).update(status=NewsletterStatus.SENDING)
    sent = 0
    for user in marketing_recipients().exclude(newsletter_deliveries__newsletter=newsletter).iterator():
        if not consent_given(user, "marketing_email"):  # asked again right before this copy: withdrawal wins
            continue
        delivery = NewsletterDelivery.objects.create(
            newsletter=newsletter, user=user, token_nonce=secrets.token_hex(16)
        )
        url = settings.SITE_URL + reverse("privacy:unsubscribe", args=[unsubscribe_token_make(delivery)])
        body = render_to_string(
            "privacy/email/newsletter.txt", {"newsletter": newsletter, "user": user, "unsubscribe_url": url}
        )
        message = EmailMessage(
            subject=newsletter.subject,
            body=body,
            to=[user.email],
            headers={"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
        )
        message.send()
        sent += 1
    Newsletter.objects.filter(pk=newsletter.pk).update(status=NewsletterStatus.SENT, sent_at=timezone.now())
    return sent


def newsletter_send_enqueue(*, newsletter) -> None:
    """Staff pressed "send": the Celery task does the sending, once the newsletter row is committed."""
    from privacy.tasks import newsletter_send as task

    transaction.on_commit(lambda: task.delay(newsletter.pk))


@transaction.atomic
def notification_preferences_update(*, user, account_service: bool, outfit_reminders: bool):
    from privacy.models import NotificationPreferences

    preferences, _ = NotificationPreferences.objects.update_or_create(
        user=user, defaults={"account_service": account_service, "outfit_reminders": outfit_reminders}
    )
    return preferences


# --- Policies (POL-1) -------------------------------------------------------------------------------------

MATERIAL_CHANGE_NOTICE_DAYS = 30


@transaction.atomic
def policy_publish(*, policy, now: datetime | None = None):
    """Publish a policy version. A material change must take effect at least 30 days after publication; it is
    then announced to every active account by e-mail (and in the app until acknowledged)."""
    from django.core.exceptions import ValidationError

    now = now or timezone.now()
    if policy.published_at is not None:
        raise ValidationError("This version is already published; publish a new version instead.")
    earliest = timezone.localdate(now) + timedelta(days=MATERIAL_CHANGE_NOTICE_DAYS)
    if policy.material and policy.effective_on < earliest:
        raise ValidationError(
            f"A material change must take effect at least {MATERIAL_CHANGE_NOTICE_DAYS} days after it is "
            f"published: on {earliest:%-d %B %Y} at the earliest."
        )
    policy.published_at = now
    policy.save(update_fields=["published_at"])
    if policy.material:
        from privacy.tasks import policy_announce

        transaction.on_commit(lambda: policy_announce.delay(policy.pk))
    return policy


def policy_announce(*, policy_id: int) -> int:
    """E-mail every active account about a published material change (a service notice, not marketing)."""
    from django.contrib.auth import get_user_model
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.urls import reverse

    from privacy.models import PolicyVersion

    policy = PolicyVersion.objects.filter(pk=policy_id, published_at__isnull=False).first()
    if policy is None:
        return 0
    url = settings.SITE_URL + reverse("privacy:policy")
    sent = 0
    for user in get_user_model().objects.filter(is_active=True).iterator():
        body = render_to_string("privacy/email/policy_change.txt", {"policy": policy, "user": user, "url": url})
        subject = f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}Our {policy.get_kind_display().lower()} changes"
        send_mail(subject, body, None, [user.email])
        sent += 1
    return sent


def policy_acknowledge(*, user, policy):
    from privacy.models import PolicyAcknowledgement

    acknowledgement, _ = PolicyAcknowledgement.objects.get_or_create(user=user, policy=policy)
    return acknowledgement


# --- Data export (RGT-1, RGT-2, RET-6) ------------------------------------------------------------------------

EXPORT_FAILED = "Your export could not be prepared. Nothing was kept; please try again, or contact support."
# An export still queued or running after this is failed by the daily sweep, so a new one can be started.
EXPORT_STUCK_AFTER = timedelta(hours=6)


@transaction.atomic
def export_start(*, owner):
    """Start preparing a copy of everything we hold about ``owner``; the worker builds it (jobs are rows).

    Only one export runs at a time per person: asking again while one is queued or running returns that one.
    """
    # Lock the person's row so two simultaneous requests cannot both start an export.
    get_user_model().objects.select_for_update().filter(pk=owner.pk).first()
    running = (
        ExportJob.objects.filter(owner=owner, status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING])
        .order_by("-created_at")
        .first()
    )
    if running is not None:
        return running
    job = ExportJob.objects.create(owner=owner)
    transaction.on_commit(lambda: _export_enqueue(job.pk))
    return job


def _export_enqueue(job_id) -> None:
    from privacy.tasks import export_build as task

    task.delay(str(job_id))


def export_build(*, job_id) -> None:
    """Build the export bundle of one job (RGT-1, RGT-2). Safe to run again: a finished job (ready, failed,
    expired) is left alone; an unfinished one is rebuilt from scratch.

    The ZIP is written streaming to a private temporary folder, then saved to private storage; the folder is
    removed whatever happens. On failure the job ends ``failed`` with a human message and no bundle.
    """
    from privacy.exports import bundle_write  # it reads through privacy.selectors, which imports us

    job = ExportJob.objects.select_related("owner").filter(pk=job_id).first()
    if job is None or not job.is_active:
        return
    if job.bundle:  # a previous attempt stored a bundle but died before finishing: start again
        default_storage.delete(job.bundle.name)
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING, progress=1, error="", bundle="")

    def progress(percent: int) -> None:
        ExportJob.objects.filter(pk=job.pk, status=ExportStatus.RUNNING).update(progress=min(percent, 99))

    stored_name = ""
    try:
        with tempfile.TemporaryDirectory(prefix="export-") as workdir:
            path = Path(workdir) / "bundle.zip"
            bundle_write(path, user=job.owner, workdir=Path(workdir), on_progress=progress)
            size = path.stat().st_size
            with open(path, "rb") as handle:
                stored_name = default_storage.save(
                    job.bundle.field.generate_filename(job, "export.zip"), File(handle, name="export.zip")
                )
        finished = timezone.now()
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.READY,
            progress=100,
            bundle=stored_name,
            bundle_size=size,
            finished_at=finished,
            expires_at=finished + timedelta(days=settings.EXPORT_BUNDLE_DAYS),
        )
    except Exception:
        logger.exception("Export %s failed", job.pk)
        if stored_name:
            default_storage.delete(stored_name)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.FAILED, error=EXPORT_FAILED, bundle="", finished_at=timezone.now()
        )


def export_bundles_expire(*, now: datetime | None = None) -> int:
    """Delete every export bundle whose time is up (RET-6): the file goes from storage, the row stays as a
    receipt with status ``expired``. Also fails exports stuck for EXPORT_STUCK_AFTER (a lost worker), so the
    person can start a new one. Returns how many bundles were deleted."""
    now = now or timezone.now()
    expired = 0
    due = ExportJob.objects.filter(status=ExportStatus.READY, expires_at__lte=now).only("pk", "bundle")
    for job in due.iterator():
        with transaction.atomic():
            if ExportJob.objects.filter(pk=job.pk, status=ExportStatus.READY).update(
                status=ExportStatus.EXPIRED, bundle=""
            ):
                private_files_delete_on_commit(job.bundle.name)
                expired += 1
    ExportJob.objects.filter(
        status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING], created_at__lt=now - EXPORT_STUCK_AFTER
    ).update(status=ExportStatus.FAILED, error=EXPORT_FAILED, finished_at=now)
    return expired


# --- Privacy requests (RGT-6) ---------------------------------------------------------------------------------

# The only moves a request can make. Completed, declined and cancelled requests are final.
PRIVACY_REQUEST_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "received": ("identity_verified", "denied", "cancelled"),
    "identity_verified": ("in_progress", "denied", "cancelled"),
    # A person may withdraw a request being worked on (an erasure cancelled from the e-mailed link).
    "in_progress": ("completed", "denied", "cancelled"),
}
# Staff are warned about open requests due within this many business days (and about overdue ones).
PRIVACY_REQUEST_DUE_SOON_BUSINESS_DAYS = 2

PRIVACY_REQUEST_NO_ACCOUNT = (
    "No account uses the address this request came from, so the requester's identity cannot be verified: the "
    'request can only be declined with the reason "We could not verify your identity".'
)
PRIVACY_REQUEST_AWAITS_CODE = (
    "An e-mailed request is verified with the code sent to the account's address: use "
    '"Verify identity with code…" (or send a new code).'
)


def _privacy_request_has_no_account(request) -> bool:
    """An e-mailed request from an address no account uses (an erased account's request has no address left)."""
    return request.channel == "email" and request.user_id is None and bool(request.requester_email)


def _privacy_request_actor_label(*, request, actor) -> str:
    if actor is None:
        return "system"
    if request.user_id is not None and actor.pk == request.user_id:
        return "the requester"
    if actor.is_staff:
        return f"staff: {actor}"
    return str(actor)


@transaction.atomic
def privacy_request_create(
    *,
    kind: str,
    channel: str,
    user=None,
    requester_email: str = "",
    details: str = "",
    actor=None,
    received_at: datetime | None = None,
):
    """Log a rights request (RGT-6) and fix its due date from when it was received (by default now).

    ``received_at`` lets staff log an e-mail that arrived earlier: the deadline runs from its arrival, not from
    when it was typed in. Writes the first PrivacyRequestEvent ("received") in the same transaction.
    """
    from django.core.exceptions import ValidationError

    from privacy.deadlines import privacy_request_due_date
    from privacy.models import PrivacyRequest, PrivacyRequestEvent, RequestChannel, RequestKind

    if kind not in RequestKind.values:
        raise ValidationError(f"Unknown kind of request: {kind!r}.")
    if channel not in RequestChannel.values:
        raise ValidationError(f"Unknown channel: {channel!r}.")
    if user is None and not requester_email:
        raise ValidationError("A request needs the account it concerns or the requester's e-mail address.")
    received_at = received_at or timezone.now()
    request = PrivacyRequest.objects.create(
        user=user,
        requester_email=requester_email,
        kind=kind,
        channel=channel,
        details=details,
        received_at=received_at,
        due_on=privacy_request_due_date(received_at),
    )
    PrivacyRequestEvent.objects.create(
        request=request,
        from_status="",
        to_status=request.status,
        actor=actor,
        actor_label=_privacy_request_actor_label(request=request, actor=actor),
        note=f"Received via {request.get_channel_display().lower()}.",
        at=received_at,
    )
    return request


@transaction.atomic
def privacy_request_transition(
    *,
    request,
    to_status: str,
    actor=None,
    actor_label: str = "",
    note: str = "",
    denial_reason: str = "",
    answer: bool = True,
):
    """Move a privacy request on, along the allowed transitions only, and record who did it and why.

    Raises ValidationError (and saves nothing) for a move that is not allowed, or for a refusal without one of
    the fixed denial reasons. A completed or declined request is answered by e-mail once the change commits.
    """
    from django.core.exceptions import ValidationError

    from privacy.models import DenialReason, PrivacyRequest, PrivacyRequestEvent, RequestStatus

    # Lock the row: two staff pressing buttons at once must not both move it from the same status.
    current = PrivacyRequest.objects.select_for_update().get(pk=request.pk)
    allowed = PRIVACY_REQUEST_TRANSITIONS.get(current.status, ())
    if to_status not in allowed:
        target = RequestStatus(to_status).label if to_status in RequestStatus.values else to_status
        raise ValidationError(
            f"A request that is {current.get_status_display().lower()} cannot become {str(target).lower()}"
            + (f"; it can become: {', '.join(RequestStatus(s).label.lower() for s in allowed)}." if allowed else ".")
        )
    if to_status == RequestStatus.DENIED:
        if denial_reason not in DenialReason.values:
            raise ValidationError(f"Declining a request needs one of these reasons: {', '.join(DenialReason.values)}.")
    elif denial_reason:
        raise ValidationError("A denial reason is only given when a request is declined.")
    if _privacy_request_has_no_account(current) and (
        to_status == RequestStatus.IDENTITY_VERIFIED
        or (to_status == RequestStatus.DENIED and denial_reason != DenialReason.IDENTITY_NOT_VERIFIED)
    ):
        raise ValidationError(PRIVACY_REQUEST_NO_ACCOUNT)
    if to_status == RequestStatus.IDENTITY_VERIFIED and current.identity_code_hash:
        # Only privacy_request_identity_code_verify clears the code, and only when it matched.
        raise ValidationError(PRIVACY_REQUEST_AWAITS_CODE)
    from_status = current.status
    current.status = to_status
    current.denial_reason = denial_reason
    fields = ["status", "denial_reason"]
    if to_status == RequestStatus.COMPLETED:
        current.completed_at = timezone.now()
        fields.append("completed_at")
    current.save(update_fields=fields)
    PrivacyRequestEvent.objects.create(
        request=current,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        actor_label=actor_label or _privacy_request_actor_label(request=current, actor=actor),
        note=note,
    )
    # ``answer=False`` only where the caller answers itself (an erased account's address is gone by then).
    if answer and to_status in (RequestStatus.COMPLETED, RequestStatus.DENIED):
        transaction.on_commit(lambda: privacy_request_answer_send(request_id=current.pk))
    request.refresh_from_db()
    return current


def privacy_request_start_for_signed_in(*, request, actor, note: str = "") -> None:
    """A request made by the signed-in person: their session is the proof of identity, so it is verified and
    taken in hand at once (each step recorded as usual)."""
    privacy_request_transition(request=request, to_status="identity_verified", actor=actor, note="Signed in.")
    privacy_request_transition(request=request, to_status="in_progress", actor=actor, note=note)


def privacy_request_identity_mark_verified(*, request, actor):
    """Staff confirm the identity behind a request made while signed in (privacy settings or the API): the
    sign-in is the proof. An e-mailed request is refused here: only its code verifies it."""
    from privacy.models import RequestChannel, RequestStatus

    if request.channel == RequestChannel.EMAIL:
        raise ValidationError(PRIVACY_REQUEST_AWAITS_CODE)
    return privacy_request_transition(
        request=request,
        to_status=RequestStatus.IDENTITY_VERIFIED,
        actor=actor,
        note="Made while signed in: the sign-in proves the identity.",
    )


# --- Identity of e-mailed requests: a one-time code sent to the account's address --------------------------

PRIVACY_REQUEST_CODE_DIGITS = 8
PRIVACY_REQUEST_CODE_MAX_ATTEMPTS = 5
_IDENTITY_CODE_SALT = "privacy.request.identity_code"


class IdentityCodeError(ValidationError):
    """The code cannot verify the request; the message says why and what to do."""


class IdentityCodeWrong(IdentityCodeError):
    """Not the code that was sent (counted as one of the 5 tries)."""


class IdentityCodeExpired(IdentityCodeError):
    """The code's PRIVACY_REQUEST_CODE_HOURS are over: send a new one."""


class IdentityCodeLocked(IdentityCodeError):
    """5 wrong codes were entered: this code verifies nothing any more; send a new one."""


def _identity_code_hash(request_id, code: str) -> str:
    # Keyed with SECRET_KEY and bound to the request: a copy of the database alone cannot test guesses, and a
    # code is worth nothing on another request.
    return salted_hmac(_IDENTITY_CODE_SALT, f"{request_id}:{code}", algorithm="sha256").hexdigest()


def identity_code_normalise(code: str) -> str:
    """The code as typed from an e-mail reply: spaces and hyphens do not count."""
    return "".join(code.split()).replace("-", "")


def privacy_request_identity_code_state(request, *, now: datetime | None = None) -> str:
    """Where the identity check of a request stands, for staff: ``not_needed`` (not an e-mailed request waiting
    for verification), ``no_account`` (no account uses the address: it can only be declined), ``sending`` (the
    code is on its way), ``active``, ``expired`` or ``locked``."""
    from privacy.models import RequestChannel, RequestStatus

    if request.channel != RequestChannel.EMAIL or request.status != RequestStatus.RECEIVED:
        return "not_needed"
    if request.user_id is None:
        return "no_account" if request.requester_email else "not_needed"
    if not request.identity_code_hash:
        return "sending"
    if request.identity_code_attempts >= PRIVACY_REQUEST_CODE_MAX_ATTEMPTS:
        return "locked"
    if (now or timezone.now()) >= request.identity_code_expires_at:
        return "expired"
    return "active"


def _identity_code_enqueue(request_id) -> None:
    from privacy.tasks import privacy_request_identity_code_send as task

    task.delay(str(request_id))


@transaction.atomic
def privacy_request_email_record(
    *,
    kind: str,
    requester_email: str,
    actor,
    details: str = "",
    received_at: datetime | None = None,
    user=None,
):
    """Log a request that came by e-mail (RGT-6) and start verifying who sent it.

    The request concerns ``user`` when staff named the account, or else the account whose address the requester
    wrote (case aside). A one-time code is then e-mailed, in the background, to that account's own address, never
    to the address the request came from: quoting it back proves control of the account's mailbox. When no
    account matches, the identity cannot be verified and the request can only be declined (identity not
    verified).
    """
    from accounts.selectors import user_by_email
    from privacy.models import RequestChannel

    requester_email = requester_email.strip()
    account = user or user_by_email(requester_email)
    request = privacy_request_create(
        kind=kind,
        channel=RequestChannel.EMAIL,
        user=account,
        requester_email=requester_email,
        details=details,
        actor=actor,
        received_at=received_at,
    )
    if account is not None:
        transaction.on_commit(lambda: _identity_code_enqueue(request.pk))
    return request


def privacy_request_identity_code_send(*, request_id) -> bool:
    """Make a new one-time code for an e-mailed request waiting for verification and e-mail it to the account's
    address (run by a Celery task: the code never travels through the broker). Only an HMAC of the code is
    kept, with its expiry; the tries start again at 0 and any earlier code stops working. Returns whether a
    code was sent (nothing is sent for a request that is no longer waiting, or that has no account)."""
    import secrets

    from django.core.mail import send_mail
    from django.template.loader import render_to_string

    from privacy.models import PrivacyRequest

    with transaction.atomic():
        request = (
            PrivacyRequest.objects.select_for_update(of=("self",)).select_related("user").filter(pk=request_id).first()
        )
        if request is None or privacy_request_identity_code_state(request) in ("not_needed", "no_account"):
            return False
        code = f"{secrets.randbelow(10**PRIVACY_REQUEST_CODE_DIGITS):0{PRIVACY_REQUEST_CODE_DIGITS}d}"
        now = timezone.now()
        request.identity_code_hash = _identity_code_hash(request.pk, code)
        request.identity_code_sent_at = now
        request.identity_code_expires_at = now + timedelta(hours=settings.PRIVACY_REQUEST_CODE_HOURS)
        request.identity_code_attempts = 0
        request.save(
            update_fields=[
                "identity_code_hash", "identity_code_sent_at", "identity_code_expires_at", "identity_code_attempts",
            ]
        )  # fmt: skip
        body = render_to_string(
            "privacy/email/request_identity_code.txt",
            {"request": request, "code": code, "hours": settings.PRIVACY_REQUEST_CODE_HOURS},
        )
        subject = f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}Confirm your privacy request with this code"
        # Sent inside the transaction: if sending fails, the new code is not kept and the previous one still works.
        send_mail(subject, body, None, [request.user.email])
    return True


def privacy_request_identity_code_resend(*, request) -> None:
    """Staff send a new code (the last one expired, was locked, or never arrived): a new code replaces it once
    the background task has e-mailed it to the account's address. Raises ValidationError when the request is
    not an e-mailed request waiting for verification with an account."""
    from privacy.models import PrivacyRequest

    current = PrivacyRequest.objects.get(pk=request.pk)
    state = privacy_request_identity_code_state(current)
    if state == "no_account":
        raise ValidationError(PRIVACY_REQUEST_NO_ACCOUNT)
    if state == "not_needed":
        raise ValidationError("Only an e-mailed request waiting for identity verification is sent a code.")
    transaction.on_commit(lambda: _identity_code_enqueue(current.pk))


def privacy_request_identity_code_verify(*, request, code: str, actor):
    """Check the code the requester sent back (RGT-6). When it matches the code e-mailed to the account's
    address, the request becomes identity verified, with an event noting the code matched; the code is then
    spent.

    Raises IdentityCodeWrong (the try is counted, even though the exception is raised), IdentityCodeLocked after
    PRIVACY_REQUEST_CODE_MAX_ATTEMPTS wrong codes, IdentityCodeExpired after PRIVACY_REQUEST_CODE_HOURS, and
    ValidationError when the request is not waiting for a code. A locked or expired code never verifies, even
    when it is right: staff send a new one.
    """
    from django.utils.crypto import constant_time_compare

    from privacy.models import PrivacyRequest, RequestStatus

    failure: ValidationError | None = None
    with transaction.atomic():
        # Locked so that two staff entering codes at once cannot get more than the allowed tries between them.
        current = PrivacyRequest.objects.select_for_update().get(pk=request.pk)
        state = privacy_request_identity_code_state(current)
        if state == "no_account":
            failure = ValidationError(PRIVACY_REQUEST_NO_ACCOUNT)
        elif state == "not_needed":
            failure = ValidationError(
                f"This request is {current.get_status_display().lower()}: it is not waiting for a code."
            )
        elif state == "sending":
            failure = ValidationError("No code has been sent for this request yet. Send a new code.")
        elif state == "locked":
            failure = IdentityCodeLocked(
                f"This code is locked after {PRIVACY_REQUEST_CODE_MAX_ATTEMPTS} wrong tries. Send a new code."
            )
        elif state == "expired":
            failure = IdentityCodeExpired(
                f"This code expired on {timezone.localtime(current.identity_code_expires_at):%-d %B %Y at %H:%M}. "
                "Send a new code."
            )
        elif not constant_time_compare(
            _identity_code_hash(current.pk, identity_code_normalise(code)), current.identity_code_hash
        ):
            current.identity_code_attempts += 1
            current.save(update_fields=["identity_code_attempts"])
            left = PRIVACY_REQUEST_CODE_MAX_ATTEMPTS - current.identity_code_attempts
            if left > 0:
                failure = IdentityCodeWrong(f"This is not the code we sent. {left} tries left.")
            else:
                failure = IdentityCodeLocked(
                    f"This is not the code we sent. That was the last of {PRIVACY_REQUEST_CODE_MAX_ATTEMPTS} "
                    "tries: the code is locked. Send a new code."
                )
        else:
            current.identity_code_hash = ""  # spent: it verifies nothing again
            current.save(update_fields=["identity_code_hash"])
            privacy_request_transition(
                request=current,
                to_status=RequestStatus.IDENTITY_VERIFIED,
                actor=actor,
                note="Identity verified: the code e-mailed to the account's address matched.",
            )
    # Raised only now, so that the counted try is committed rather than rolled back with the exception.
    if failure is not None:
        raise failure
    request.refresh_from_db()
    return request


@transaction.atomic
def privacy_request_rectification_record(*, request, actor, fields: list[str]) -> None:
    """Staff corrected the person's data under their rectification request (RGT-3): record which fields, and
    complete the request (its answer e-mail tells the person)."""
    from django.core.exceptions import ValidationError

    from privacy.models import RequestChannel, RequestKind, RequestStatus
    from privacy.selectors import privacy_requests_open_for_rectification

    if not privacy_requests_open_for_rectification(user=request.user_id).filter(pk=request.pk).exists():
        # Of the reasons it is refused, waiting for the identity code is the one staff can do something about.
        if request.kind == RequestKind.RECTIFICATION and request.is_open and request.channel == RequestChannel.EMAIL:
            raise ValidationError(PRIVACY_REQUEST_AWAITS_CODE)
        raise ValidationError("Only an open rectification request can record a correction.")
    if request.status == RequestStatus.RECEIVED:
        privacy_request_transition(request=request, to_status=RequestStatus.IDENTITY_VERIFIED, actor=actor)
    if request.status != RequestStatus.IN_PROGRESS:
        privacy_request_transition(request=request, to_status=RequestStatus.IN_PROGRESS, actor=actor)
    privacy_request_transition(
        request=request, to_status=RequestStatus.COMPLETED, actor=actor, note=f"Corrected: {', '.join(fields)}."
    )


def privacy_request_answer_send(*, request_id) -> bool:
    """E-mail the person the outcome of their completed or declined request: to the account's address, or to
    the address the request came from. Returns whether an e-mail was sent."""
    from django.core.mail import send_mail
    from django.template.loader import render_to_string

    from privacy.models import PrivacyRequest

    request = PrivacyRequest.objects.select_related("user").filter(pk=request_id).first()
    if request is None:
        return False
    # Always sent, whatever the e-mail preferences: answering a rights request is an obligation, not a service e-mail.
    address = request.user.email if request.user is not None else request.requester_email
    if not address:
        return False
    url = settings.SITE_URL + "/settings/privacy/"
    body = render_to_string("privacy/email/request_answered.txt", {"request": request, "url": url})
    outcome = "is completed" if request.status == "completed" else "was declined"
    subject = f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}Your privacy request {outcome}"
    send_mail(subject, body, None, [address])
    return True


def privacy_requests_due_soon_digest(*, today=None) -> int:
    """E-mail every staff member with an address the open requests that are overdue or due within 2 business
    days (RGT-6). Returns how many requests the digest listed; nothing is sent when there are none."""
    from django.core.mail import send_mail
    from django.template.loader import render_to_string

    from privacy.selectors import privacy_requests_due_soon

    today = today or timezone.localdate()
    requests = list(privacy_requests_due_soon(today=today, business_days=PRIVACY_REQUEST_DUE_SOON_BUSINESS_DAYS))
    if not requests:
        return 0
    staff = get_user_model().objects.filter(is_staff=True, is_active=True).exclude(email="")
    recipients = list(staff.values_list("email", flat=True))
    if not recipients:
        logger.warning("%d privacy request(s) are due soon or overdue, but no staff member has an e-mail address.",
                       len(requests))  # fmt: skip
        return len(requests)
    body = render_to_string(
        "privacy/email/requests_digest.txt",
        {
            "overdue": [r for r in requests if r.due_on < today],
            "due_soon": [r for r in requests if r.due_on >= today],
            "today": today,
            "admin_url": settings.SITE_URL + "/admin/privacy/privacyrequest/?deadline=overdue",
        },
    )
    subject = f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{len(requests)} privacy request(s) due soon or overdue"
    # One message per person: staff addresses are not disclosed to each other.
    for address in recipients:
        send_mail(subject, body, None, [address])
    return len(requests)


# --- Restriction and objection (RGT-5) ---------------------------------------------------------------------


@transaction.atomic
def processing_restrictions_set(*, user, purposes, actor=None) -> set[str]:
    """Make exactly ``purposes`` the restricted ones for ``user``; returns the set now in force.

    Each change (restrictions added, lifted, or both) is also recorded as a privacy request of kind restriction,
    completed at once, so the person's requests and staff's audit trail both show it.
    """
    from django.core.exceptions import ValidationError

    from privacy.models import ProcessingRestriction, RequestChannel, RequestKind, RequestStatus, RestrictablePurpose
    from privacy.selectors import processing_restrictions_of

    wanted = set(purposes)
    unknown = wanted - set(RestrictablePurpose.values)
    if unknown:
        raise ValidationError(f"Unknown purposes: {', '.join(sorted(unknown))}.")
    current = processing_restrictions_of(user)
    added, lifted = wanted - current, current - wanted
    if not added and not lifted:
        return current
    ProcessingRestriction.objects.filter(user=user, purpose__in=lifted).delete()
    ProcessingRestriction.objects.bulk_create([ProcessingRestriction(user=user, purpose=p) for p in sorted(added)])
    parts = []
    if added:
        parts.append("restricted: " + ", ".join(sorted(added)))
    if lifted:
        parts.append("lifted: " + ", ".join(sorted(lifted)))
    record = privacy_request_create(
        kind=RequestKind.RESTRICTION, channel=RequestChannel.SETTINGS, user=user, actor=actor or user,
        details="; ".join(parts).capitalize() + ".",
    )  # fmt: skip
    privacy_request_start_for_signed_in(request=record, actor=actor or user)
    privacy_request_transition(
        request=record, to_status=RequestStatus.COMPLETED, actor=actor or user, note="Applied at once.", answer=False
    )
    return wanted
