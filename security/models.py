"""Security data: the account's security log, the audit of staff access to personal data, and security incidents.

The security log (SecurityEvent) is the person's own record of sign-ins, failures, new devices and sensitive
changes (issue 7). The staff access log (StaffAccessLog) records every admin view of a model that holds personal
data (SEC-1). Incidents (SecurityIncident) are recorded by staff, who notify the affected people by e-mail
(SEC-4). Everything here is kept 90 days at most (RET-4), except incident records, which the law asks us to keep.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from privacy.registry import DataCategory, Erasure, Export, Retention, personal_data


class EventKind(models.TextChoices):
    SIGN_IN = "sign_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Failed sign-in"
    SIGN_OUT = "sign_out", "Signed out"
    NEW_DEVICE = "new_device", "New device"
    PASSWORD_SET = "password_set", "Password set"
    PASSWORD_CHANGED = "password_changed", "Password changed"
    PASSWORD_RESET = "password_reset", "Password reset"
    EMAIL_ADDED = "email_added", "E-mail address added"
    EMAIL_CHANGED = "email_changed", "E-mail address changed"
    MFA_ENABLED = "mfa_enabled", "Two-factor authentication turned on"
    MFA_DISABLED = "mfa_disabled", "Two-factor authentication turned off"
    MFA_FAILED = "mfa_failed", "Wrong two-factor code"
    RECOVERY_CODES_GENERATED = "recovery_codes_generated", "New recovery codes"
    ACCOUNT_ERASURE_REQUESTED = "account_erasure_requested", "Account closure requested"
    ACCOUNT_ERASURE_CANCELLED = "account_erasure_cancelled", "Account closure cancelled"


@personal_data(
    category=DataCategory.SECURITY_LOG,
    owner="user",
    retention=Retention.days_after(90, after="created_at", setting="RETENTION_SECURITY_LOG_DAYS"),
    export=Export.rows(exclude=("email_hash",)),
    erasure=Erasure.delete(),
    description="Your security log: sign-ins, failed sign-ins, sign-outs, new devices and changes to your "
    "password, e-mail address and two-factor settings, with a shortened IP address and the kind of browser. "
    "Deleted after 90 days.",
)
class SecurityEvent(models.Model):
    """One security-relevant event of an account, written by security.services.security_event_record."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="security_events"
    )
    kind = models.CharField(max_length=40, choices=EventKind.choices)
    # A failed sign-in for an address with no account: only a keyed hash of what was typed, never the text, so
    # repeated attempts against one address can be spotted without keeping the address (or a stranger's typo).
    email_hash = models.CharField(max_length=64, blank=True)
    ip_truncated = models.CharField(max_length=64, blank=True)
    user_agent = models.CharField("device", max_length=80, blank=True)
    detail = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=("user", "-created_at"))]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.created_at:%Y-%m-%d %H:%M}"


class AccessAction(models.TextChoices):
    LIST = "list", "Listed"
    VIEW = "view", "Viewed"
    HISTORY = "history", "Viewed history"
    CHANGE = "change", "Changed"
    DELETE = "delete", "Deleted"
    EXPORT = "export", "Exported"


@personal_data(
    category=DataCategory.STAFF_AUDIT,
    owner="staff",
    retention=Retention.days_after(90, after="at", setting="RETENTION_SECURITY_LOG_DAYS"),
    export=Export.not_exported(
        "A record of staff members' work, kept to hold staff to account; it is not data a person gave us."
    ),
    erasure=Erasure.delete(),
    description="Which staff member opened which record of personal data in the admin, and when (SEC-1). When "
    "the person a row is about is erased, the row keeps no link to them (no id, no name).",
)
class StaffAccessLog(models.Model):
    """One admin page a staff member opened on a model that holds personal data (SEC-1).

    The subject is the person the record is about (the privacy registry's owner lookup). No name or e-mail is
    copied here: when the subject is erased, ``subject`` becomes empty and ``object_id`` and ``path`` are blanked
    (security.signals), so the row no longer points to them.
    """

    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_accesses")
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff_accesses_about",
    )
    model_label = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64, blank=True)
    object_count = models.PositiveIntegerField(null=True, blank=True, help_text="Rows shown, for a list page.")
    action = models.CharField(max_length=10, choices=AccessAction.choices)
    path = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ("-at", "-id")
        indexes = [models.Index(fields=("subject", "-at")), models.Index(fields=("staff", "-at"))]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.model_label} {self.object_id}".strip()


class IncidentStatus(models.TextChoices):
    OPEN = "open", "Open"
    CONTAINED = "contained", "Contained"
    CLOSED = "closed", "Closed"


@personal_data(
    category=DataCategory.STAFF_AUDIT,
    owner="recorded_by",
    retention=Retention.custom(
        "Kept as the record of the incident: the law asks us to document every personal data breach (GDPR art. 33(5))."
    ),
    export=Export.not_exported("A staff record of an incident; what concerns a person is in IncidentAffectedUser."),
    erasure=Erasure.anonymise("recorded_by"),
    description="Security incidents staff recorded, and which staff member recorded each.",
)
class SecurityIncident(models.Model):
    """A security incident recorded by staff (SEC-4). The people affected are IncidentAffectedUser rows; each
    gets the notification once, sent in the background (security.tasks.incident_notify)."""

    title = models.CharField(max_length=150)
    description = models.TextField(help_text="What happened, what data was involved, what was done. Staff only.")
    detected_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=IncidentStatus.choices, default=IncidentStatus.OPEN)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="security_incidents_recorded",
        editable=False,
    )
    notification_subject = models.CharField(max_length=150, blank=True)
    notification_body = models.TextField(
        blank=True,
        help_text="Plain text sent to each affected person: what happened, what it means for them, what to do.",
    )
    notification_requested_at = models.DateTimeField(null=True, blank=True, editable=False)
    affected_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="IncidentAffectedUser", related_name="security_incidents", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-detected_at",)

    def __str__(self) -> str:
        return self.title


@personal_data(
    category=DataCategory.SECURITY_LOG,
    owner="user",
    retention=Retention.custom(
        "Kept with the incident record (the law asks us to document whom we told); on account erasure the link "
        "to the person is cut and only the fact that someone was notified remains."
    ),
    export=Export.rows(),
    erasure=Erasure.anonymise("user"),
    description="Security incidents that affected your account, and when we told you about each.",
)
class IncidentAffectedUser(models.Model):
    """One person affected by an incident, and when they were notified (empty until the e-mail went out)."""

    incident = models.ForeignKey(SecurityIncident, on_delete=models.CASCADE, related_name="affected")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="incident_notices"
    )
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "affected user"
        constraints = [models.UniqueConstraint(fields=("incident", "user"), name="security_incident_user_once")]

    def __str__(self) -> str:
        return f"{self.incident} → {self.user_id or 'erased account'}"
