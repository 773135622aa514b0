"""The consent log: append-only, tamper-evident proof of every consent given, refused or withdrawn (CON-2)."""

from __future__ import annotations

import hashlib
import json
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone

from core.storage import PrivateUploadTo
from privacy.registry import DataCategory, Erasure, Export, Retention, personal_data


class Choice(models.TextChoices):
    GRANTED = "granted", "Granted"
    WITHDRAWN = "withdrawn", "Withdrawn"
    DECLINED = "declined", "Declined"


class Method(models.TextChoices):
    SETTINGS = "settings", "Privacy settings"
    BANNER = "banner", "Cookie banner"
    SIGNUP = "signup", "Sign-up form"
    GPC = "gpc", "Global Privacy Control signal"
    UNSUBSCRIBE = "unsubscribe", "Unsubscribe link"
    PRIVACY_REQUEST = "privacy_request", "Privacy request"
    STAFF = "staff", "Staff, on the person's behalf"
    STORE_CONNECTION = "store_connection", "Store connection screen"


class Channel(models.TextChoices):
    WEB = "web", "Web"
    API = "api", "API"
    EMAIL = "email", "E-mail"


class AppendOnlyQuerySet(models.QuerySet):
    """Consent events are never changed or deleted in bulk, except by the retention purge."""

    def update(self, **kwargs):
        raise PermissionError("Consent events are append-only.")

    def delete(self):
        raise PermissionError("Consent events are append-only; only the retention purge removes them.")

    def _retention_purge(self) -> int:
        """The one way events leave the log: privacy.services.consent_events_purge, after the retention period."""
        return super().delete()[0]


@personal_data(
    category=DataCategory.CONSENT,
    owner="user",
    retention=Retention.custom(
        "Kept while the consent stands; a withdrawn or refused purpose's events are deleted 24 months after the "
        "choice (CONSENT_RETENTION_DAYS)."
    ),
    export=Export.rows(exclude=("hash", "previous_hash")),
    erasure=Erasure.keep(
        legal_basis="Proof of consent (GDPR art. 7(1)): kept up to 24 months after withdrawal, then purged. On "
        "account erasure the link to the person is cut; only a keyed pseudonym remains."
    ),
    description="Every consent you gave, refused or withdrew: for what, under which wording, how and when, with "
    "the request's origin and a shortened IP address.",
)
class ConsentEvent(models.Model):
    # The subject is a keyed pseudonym ("u:..." for an account, "v:..." for a visitor before signing in): the proof
    # survives the account's erasure without naming the person. The hash chain runs per subject and purpose, so
    # the retention purge can remove a withdrawn purpose's chain whole without breaking any other.
    subject_key = models.CharField(max_length=80)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="consent_events"
    )
    purpose = models.CharField(max_length=64)
    notice_version = models.CharField(max_length=32)
    notice_digest = models.CharField(max_length=64)
    choice = models.CharField(max_length=10, choices=Choice.choices)
    method = models.CharField(max_length=20, choices=Method.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    origin = models.CharField(max_length=200, blank=True)
    ip_truncated = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField()
    previous_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, unique=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ("id",)
        indexes = [
            models.Index(fields=("subject_key", "purpose", "-id"), name="privacy_consent_current"),
            models.Index(fields=("created_at",)),
            models.Index(fields=("user", "-id")),
        ]

    def __str__(self) -> str:
        return f"{self.purpose}: {self.choice} ({self.method}, {self.created_at:%Y-%m-%d})"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None or not self._state.adding:
            raise PermissionError("Consent events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Consent events are append-only; only the retention purge removes them.")

    def chained_fields(self) -> dict:
        """What the hash covers: every field of the proof, and the previous event's hash."""
        return {
            "subject": self.subject_key,
            "purpose": self.purpose,
            "notice_version": self.notice_version,
            "notice_digest": self.notice_digest,
            "choice": self.choice,
            "method": self.method,
            "channel": self.channel,
            "origin": self.origin,
            "ip": self.ip_truncated,
            "at": self.created_at.isoformat(),
            "previous": self.previous_hash,
        }

    def compute_hash(self) -> str:
        canonical = json.dumps(self.chained_fields(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


@personal_data(
    category=DataCategory.CONSENT,
    owner="user",
    retention=Retention.account_lifetime(),
    export=Export.rows(),
    erasure=Erasure.delete(),
    description="The link between choices you made on the cookie banner before signing in and your account.",
)
class ConsentSubjectLink(models.Model):
    """A visitor who signs in: their earlier choices count for the account, without rewriting any event."""

    visitor_key = models.CharField(max_length=80, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consent_links")
    linked_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.visitor_key} → {self.user_id}"


@personal_data(
    category=DataCategory.USAGE,
    owner="user",
    retention=Retention.days_after(365, after="created_at", setting="RETENTION_USAGE_DAYS"),
    export=Export.rows(exclude=("subject_key",)),
    erasure=Erasure.delete(),
    description="First-party usage counts (which page or feature was opened, when), recorded only with your "
    "analytics consent and deleted after 12 months.",
)
class UsageEvent(models.Model):
    """One page view, recorded only under the analytics consent (CON-3) and kept 12 months (RET-2)."""

    subject_key = models.CharField(max_length=80)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="usage_events"
    )
    view_name = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.view_name} at {self.created_at:%Y-%m-%d %H:%M}"


class NewsletterStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"


class Newsletter(models.Model):
    """A marketing e-mail composed by staff in the admin; sent only to people whose consent stands at send time."""

    subject = models.CharField(max_length=150)
    body = models.TextField(help_text="Plain text. The unsubscribe link is added to every copy.")
    status = models.CharField(max_length=10, choices=NewsletterStatus.choices, default=NewsletterStatus.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.subject


@personal_data(
    category=DataCategory.ACCOUNT,
    owner="user",
    retention=Retention.days_after(730, after="sent_at"),
    export=Export.rows(exclude=("token_nonce",)),
    erasure=Erasure.delete(),
    description="Which newsletters were sent to you and whether you unsubscribed from one.",
)
class NewsletterDelivery(models.Model):
    """One newsletter sent to one person: makes sending idempotent and each unsubscribe link single-use."""

    newsletter = models.ForeignKey(Newsletter, on_delete=models.CASCADE, related_name="deliveries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="newsletter_deliveries")
    token_nonce = models.CharField(max_length=32)
    sent_at = models.DateTimeField(auto_now_add=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=("newsletter", "user"), name="privacy_newsletter_once")]

    def __str__(self) -> str:
        return f"{self.newsletter} → {self.user_id}"


@personal_data(
    category=DataCategory.ACCOUNT,
    owner="user",
    retention=Retention.account_lifetime(),
    export=Export.rows(),
    erasure=Erasure.delete(),
    description="Which kinds of e-mail you want: account service messages and outfit reminders. Security "
    "e-mails are always sent; marketing follows your consent.",
)
class NotificationPreferences(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True)
    account_service = models.BooleanField(
        default=True,
        help_text="Export ready, reminders about the account. Answers to privacy requests are always sent.",
    )
    outfit_reminders = models.BooleanField(default=False, help_text="A morning nudge on days you planned an outfit.")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Notifications of {self.user_id}"


class PolicyKind(models.TextChoices):
    PRIVACY = "privacy", "Privacy policy"
    TERMS = "terms", "Terms of use"


class PolicyVersion(models.Model):
    """One version of the privacy policy or the terms (POL-1). Published versions are never edited: a change is a
    new version. A material change is published at least 30 days before it takes effect, and announced."""

    kind = models.CharField(max_length=10, choices=PolicyKind.choices)
    version = models.CharField(max_length=20)
    body = models.TextField(help_text="Plain text; blank lines separate paragraphs; lines starting '## ' are headings.")
    summary_of_changes = models.TextField(blank=True)
    material = models.BooleanField(default=False, help_text="Changes what we do with people's data: announce it.")
    effective_on = models.DateField()
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("kind", "-effective_on")
        constraints = [models.UniqueConstraint(fields=("kind", "version"), name="privacy_policy_version_unique")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.version}"


@personal_data(
    category=DataCategory.CONSENT,
    owner="user",
    retention=Retention.account_lifetime(),
    export=Export.rows(),
    erasure=Erasure.delete(),
    description="When you acknowledged an announced change of the privacy policy or terms.",
)
class PolicyAcknowledgement(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="policy_acks")
    policy = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="acknowledgements")
    acknowledged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=("user", "policy"), name="privacy_policy_ack_once")]

    def __str__(self) -> str:
        return f"{self.user_id} acknowledged {self.policy}"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Being prepared"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"
    EXPIRED = "expired", "Expired"


@personal_data(
    category=DataCategory.PRIVACY_REQUEST,
    owner="owner",
    retention=Retention.custom(
        "The job row is kept while the account exists; its bundle is deleted 7 days after it is ready."
    ),
    export=Export.rows(exclude=("bundle",)),
    erasure=Erasure.delete(),
    description="Copies of your data you asked for (right of access and portability): when, their progress, and "
    "the ZIP bundle itself until it expires.",
)
class ExportJob(models.Model):
    """One data export (RGT-1, RGT-2). Jobs are rows: the Celery task only advances it. The bundle is a private
    file reached through signed, expiring links and deleted EXPORT_BUNDLE_DAYS after it is ready (RET-6)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs")
    status = models.CharField(max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(100)])
    error = models.CharField(max_length=300, blank=True)
    bundle = models.FileField(upload_to=PrivateUploadTo("exports"), blank=True)
    bundle_size = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        indexes = [models.Index(fields=("owner", "-created_at")), models.Index(fields=("status", "expires_at"))]

    def __str__(self) -> str:
        return f"Data export ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status in (ExportStatus.QUEUED, ExportStatus.RUNNING)

    @property
    def is_downloadable(self) -> bool:
        return self.status == ExportStatus.READY and bool(self.bundle)


# --- Privacy requests (RGT-6) ---------------------------------------------------------------------------------


class RequestKind(models.TextChoices):
    ACCESS = "access", "Access to my data"
    EXPORT = "export", "A copy of my data to take elsewhere"
    RECTIFICATION = "rectification", "Correct my data"
    ERASURE = "erasure", "Erase my data"
    RESTRICTION = "restriction", "Restrict the use of my data"
    OBJECTION = "objection", "Object to a use of my data"
    CONSENT_WITHDRAWAL = "consent_withdrawal", "Withdraw a consent"


class RequestChannel(models.TextChoices):
    SETTINGS = "settings", "Privacy settings"
    API = "api", "API"
    EMAIL = "email", "E-mail"


class RequestStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    IDENTITY_VERIFIED = "identity_verified", "Identity verified"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    DENIED = "denied", "Declined"
    CANCELLED = "cancelled", "Cancelled"


# A request in one of these is still owed an answer: it counts against its due date.
REQUEST_OPEN_STATUSES = (RequestStatus.RECEIVED, RequestStatus.IDENTITY_VERIFIED, RequestStatus.IN_PROGRESS)


class DenialReason(models.TextChoices):
    IDENTITY_NOT_VERIFIED = "identity_not_verified", "We could not verify your identity"
    MANIFESTLY_UNFOUNDED = "manifestly_unfounded", "The request is manifestly unfounded"
    EXCESSIVE_OR_REPETITIVE = "excessive_or_repetitive", "The request is excessive or repeats an earlier one"
    LEGAL_OBLIGATION_TO_KEEP = "legal_obligation_to_keep", "The law obliges us to keep this data"
    NOT_OUR_DATA = "not_our_data", "We do not hold this data"


@personal_data(
    category=DataCategory.PRIVACY_REQUEST,
    owner="user",
    retention=Retention.custom("Kept 3 years after completion as proof the request was answered (legal obligation)."),
    export=Export.rows(exclude=("identity_code_hash",)),
    # The request stays as proof that it was answered in time (GDPR art. 5(2) accountability), without the link
    # to the person or the free text they wrote.
    erasure=Erasure.anonymise("user", "requester_email", "details"),
    description="The privacy requests you made (access, erasure, correction…): what you asked, how, when it was "
    "due and how it was answered.",
)
class PrivacyRequest(models.Model):
    """One rights request, from the settings, the API or an e-mail logged by staff (RGT-6). Its status only
    changes through privacy.services.privacy_request_transition, which writes a PrivacyRequestEvent each time."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="privacy_requests"
    )
    requester_email = models.EmailField(
        blank=True, help_text="For a request by e-mail from someone without an account."
    )
    kind = models.CharField(max_length=20, choices=RequestKind.choices)
    channel = models.CharField(max_length=10, choices=RequestChannel.choices)
    status = models.CharField(max_length=20, choices=RequestStatus.choices, default=RequestStatus.RECEIVED)
    denial_reason = models.CharField(max_length=30, choices=DenialReason.choices, blank=True)
    details = models.TextField(blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    due_on = models.DateField()
    completed_at = models.DateTimeField(null=True, blank=True)
    # An e-mailed request is verified by a one-time code sent to the account's address (never to the address the
    # request came from). Only an HMAC of the code is kept; it is cleared once the code matched.
    identity_code_hash = models.CharField(max_length=64, blank=True, editable=False)
    identity_code_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    identity_code_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    identity_code_attempts = models.PositiveSmallIntegerField(
        default=0, editable=False, help_text="Wrong codes entered for the current code; locked at 5."
    )

    class Meta:
        ordering = ("-received_at",)
        indexes = [models.Index(fields=("user", "-received_at")), models.Index(fields=("status", "due_on"))]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()}, due {self.due_on:%Y-%m-%d})"

    @property
    def is_open(self) -> bool:
        return self.status in REQUEST_OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_on < timezone.localdate()

    @property
    def requester(self) -> str:
        return self.user.email if self.user_id else self.requester_email


@personal_data(
    category=DataCategory.PRIVACY_REQUEST,
    owner="request__user",
    retention=Retention.custom("Kept 3 years after completion as proof the request was answered (legal obligation)."),
    export=Export.rows(exclude=("actor",)),
    erasure=Erasure.keep(
        legal_basis="Proof that a rights request was answered in time (GDPR art. 5(2) accountability)."
    ),
    description="Each step of your privacy requests: who moved it on, when, and why.",
)
class PrivacyRequestEvent(models.Model):
    """One status change of a privacy request: the audit trail that proves when and by whom it was answered."""

    request = models.ForeignKey(PrivacyRequest, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, choices=RequestStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=RequestStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="privacy_request_actions",
    )
    actor_label = models.CharField(max_length=150, blank=True)
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("at", "id")

    def __str__(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status} by {self.actor_label or 'system'}"


# --- Restriction and objection (RGT-5) ---------------------------------------------------------------------


class RestrictablePurpose(models.TextChoices):
    """Uses of a person's data they can restrict or object to, each obeyed by the code path named."""

    PERSONALISATION = "personalisation", "Personalisation (outfit ideas learn from your likes and dislikes)"
    ANALYTICS = "analytics", "Usage analytics"
    MARKETING = "marketing", "Marketing e-mail"
    AI = "ai", "AI outfit ideas"


@personal_data(
    category=DataCategory.CONSENT,
    owner="user",
    retention=Retention.account_lifetime(),
    export=Export.rows(),
    erasure=Erasure.delete(),
    description="The uses of your data you restricted or objected to (personalisation, analytics, marketing, AI).",
)
class ProcessingRestriction(models.Model):
    """One restriction or objection in force: while the row exists, the purpose's code path does not run for
    this person (privacy.selectors.processing_restricted). Lifting it deletes the row. The history is not in the
    consent log: each change is recorded as a completed privacy request of kind restriction
    (privacy.services.processing_restrictions_set), shown in the person's requests and to staff."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="restrictions")
    purpose = models.CharField(max_length=20, choices=RestrictablePurpose.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=("user", "purpose"), name="privacy_restriction_once")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.purpose} restricted"


# --- Erasure (RGT-4, RET-1, POL-2) -------------------------------------------------------------------------


class ErasureReason(models.TextChoices):
    USER_REQUEST = "user_request", "The person deleted their account"
    UNDER_AGE = "under_age", "Reported as under age (POL-2)"
    STAFF_REQUEST = "staff_request", "An erasure request received by staff"


class ErasureStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    CANCELLED = "cancelled", "Cancelled"
    COMPLETED = "completed", "Completed"


@personal_data(
    category=DataCategory.PRIVACY_REQUEST,
    owner="user",
    retention=Retention.custom(
        "The erasure receipt is kept as proof of erasure; it holds no personal data once the account is erased."
    ),
    export=Export.rows(exclude=("subject_hash", "subject_salt")),
    erasure=Erasure.anonymise("user"),
    description="Your account's closure: when you asked, when erasure is due, and (afterwards) a receipt with "
    "dates and counts only.",
)
class AccountErasure(models.Model):
    """A closed account on its way to erasure, then the receipt that it was erased.

    While scheduled, the account is deactivated and can be restored with the e-mailed cancel link. The sweep
    (privacy.erasure.account_erasures_due_run) erases it after ERASURE_GRACE_DAYS. What is left is this row with
    ``user`` empty: dates, counts per data category and ``subject_hash``, an HMAC of the e-mail address under a
    random salt, so a person who gives their address can be shown the receipt is theirs, and nobody can read the
    address back from it.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="erasures"
    )
    request = models.ForeignKey(
        "privacy.PrivacyRequest", null=True, blank=True, on_delete=models.SET_NULL, related_name="erasures"
    )
    reason = models.CharField(max_length=20, choices=ErasureReason.choices)
    status = models.CharField(max_length=10, choices=ErasureStatus.choices, default=ErasureStatus.SCHEDULED)
    requested_at = models.DateTimeField(default=timezone.now)
    erase_after = models.DateTimeField()
    cancelled_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    subject_salt = models.CharField(max_length=32, blank=True)
    subject_hash = models.CharField(max_length=64, blank=True)
    counts = models.JSONField(default=dict, blank=True, help_text="Rows removed or anonymised per data category.")
    files_removed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("-requested_at",)
        indexes = [models.Index(fields=("status", "erase_after"))]

    def __str__(self) -> str:
        return f"Erasure {self.get_status_display().lower()} ({self.requested_at:%Y-%m-%d})"


# --- Retention sweeps (RET-1 to RET-4) ----------------------------------------------------------------------


class RetentionRun(models.Model):
    """One run of the retention sweep and what it removed, per model (counts only: no personal data here)."""

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    removed = models.JSONField(default=dict, blank=True, help_text="Rows deleted per model label.")
    files_removed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("-started_at",)

    def __str__(self) -> str:
        return f"Retention run {self.started_at:%Y-%m-%d %H:%M}: {self.total_removed} rows"

    @property
    def total_removed(self) -> int:
        return sum(self.removed.values())
