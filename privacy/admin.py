from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.html import format_html

from privacy.models import (
    ConsentEvent,
    Newsletter,
    NewsletterStatus,
    PolicyVersion,
    PrivacyRequest,
    PrivacyRequestEvent,
    RequestChannel,
    RequestStatus,
)
from privacy.selectors import privacy_requests_due_soon, privacy_requests_overdue
from privacy.services import (
    PRIVACY_REQUEST_DUE_SOON_BUSINESS_DAYS,
    newsletter_send_enqueue,
    policy_publish,
    privacy_request_create,
    privacy_request_transition,
)


@admin.register(ConsentEvent)
class ConsentEventAdmin(admin.ModelAdmin):
    """The consent log, read-only: events are proof and are never edited (CON-2)."""

    list_display = ("created_at", "purpose", "choice", "method", "channel", "user")
    list_filter = ("purpose", "choice", "method", "channel")
    date_hierarchy = "created_at"
    raw_id_fields = ("user",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Newsletter)
class NewsletterAdmin(admin.ModelAdmin):
    """Staff compose newsletters here; "Send" mails only people whose marketing consent stands at send time."""

    list_display = ("subject", "status", "created_at", "sent_at")
    readonly_fields = ("status", "sent_at")
    actions = ["send"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status != NewsletterStatus.DRAFT:
            return ("subject", "body", "status", "sent_at")
        return self.readonly_fields

    @admin.action(description="Send to everyone who opted in", permissions=["change"])
    def send(self, request, queryset) -> None:
        drafts = list(queryset.filter(status=NewsletterStatus.DRAFT))
        for newsletter in drafts:
            newsletter_send_enqueue(newsletter=newsletter)
        self.message_user(request, f"{len(drafts)} newsletter(s) queued for sending.", messages.SUCCESS)


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    """Versions of the privacy policy and terms. Published versions are frozen; "Publish" checks the 30-day rule
    for material changes and announces them."""

    list_display = ("kind", "version", "material", "effective_on", "published_at")
    list_filter = ("kind", "material")
    actions = ["publish"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.published_at is not None:
            return ("kind", "version", "body", "summary_of_changes", "material", "effective_on", "published_at")
        return ("published_at",)

    def has_delete_permission(self, request, obj=None) -> bool:
        return obj is None or obj.published_at is None

    @admin.action(description="Publish (material changes: announced, effective 30+ days later)", permissions=["change"])
    def publish(self, request, queryset) -> None:
        for version in queryset:
            try:
                policy_publish(policy=version)
            except ValidationError as exc:
                self.message_user(request, f"{version}: {' '.join(exc.messages)}", messages.ERROR)
            else:
                self.message_user(request, f"{version} is published.", messages.SUCCESS)


class OverdueFilter(admin.SimpleListFilter):
    """Open requests past their due date, or due within 2 business days (RGT-6)."""

    title = "deadline"
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return (("overdue", "Overdue"), ("due_soon", "Due within 2 business days"))

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.filter(pk__in=privacy_requests_overdue().values("pk"))
        if self.value() == "due_soon":
            soon = privacy_requests_due_soon(
                business_days=PRIVACY_REQUEST_DUE_SOON_BUSINESS_DAYS, include_overdue=False
            )
            return queryset.filter(pk__in=soon.values("pk"))
        return queryset


class PrivacyRequestEventInline(admin.TabularInline):
    """The request's history, read-only: it is the proof of when and by whom it was answered."""

    model = PrivacyRequestEvent
    fields = ("at", "from_status", "to_status", "actor_label", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class PrivacyRequestAddForm(forms.ModelForm):
    class Meta:
        model = PrivacyRequest
        fields = ("channel", "kind", "user", "requester_email", "received_at", "details")

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("user") and not cleaned.get("requester_email"):
            raise ValidationError("Give the account the request concerns, or the e-mail address it came from.")
        return cleaned


@admin.register(PrivacyRequest)
class PrivacyRequestAdmin(admin.ModelAdmin):
    """Rights requests (RGT-6). Staff log e-mailed requests here ("Add"); the due date is computed, and every
    status change goes through the actions, which record who made it. Requests are never edited or deleted."""

    list_display = ("kind", "channel", "status", "requester", "received_at", "due_on", "deadline")
    list_filter = (OverdueFilter, "status", "kind", "channel")
    search_fields = ("requester_email", "user__email", "details")
    date_hierarchy = "received_at"
    raw_id_fields = ("user",)
    inlines = [PrivacyRequestEventInline]
    actions = ["mark_identity_verified", "start_work", "mark_completed"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    def get_inline_instances(self, request, obj=None):
        return super().get_inline_instances(request, obj) if obj is not None else []  # no history before it exists

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = PrivacyRequestAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return PrivacyRequestAddForm._meta.fields
        return (
            "kind", "channel", "status", "denial_reason", "user", "requester_email", "details", "received_at",
            "due_on", "completed_at",
        )  # fmt: skip

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.get_fields(request, obj)

    def get_changeform_initial_data(self, request):
        return {"channel": RequestChannel.EMAIL, **super().get_changeform_initial_data(request)}

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        if change:  # every field is read-only once logged; status moves only through the actions
            return
        created = privacy_request_create(
            kind=obj.kind,
            channel=obj.channel,
            user=obj.user,
            requester_email=obj.requester_email,
            details=obj.details,
            actor=request.user,
            received_at=obj.received_at,
        )
        # The admin goes on with the form's instance (log entry, redirect): make it the row just created.
        obj.pk, obj.status, obj.due_on, obj._state = created.pk, created.status, created.due_on, created._state

    @admin.display(description="Requester")
    def requester(self, obj: PrivacyRequest) -> str:
        return obj.requester

    @admin.display(description="Deadline")
    def deadline(self, obj: PrivacyRequest) -> str:
        if obj.is_overdue:
            return format_html(
                '<span style="{}">{}</span>',
                "background:#ba2121;color:#fff;padding:2px 6px;border-radius:4px;font-weight:bold",
                "Overdue",
            )
        return ""

    def _transition(self, request, queryset, to_status: str) -> None:
        moved = 0
        for privacy_request in queryset:
            try:
                privacy_request_transition(request=privacy_request, to_status=to_status, actor=request.user)
            except ValidationError as exc:
                self.message_user(request, f"{privacy_request}: {' '.join(exc.messages)}", messages.ERROR)
            else:
                moved += 1
        if moved:
            label = RequestStatus(to_status).label.lower()
            self.message_user(request, f"{moved} request(s) now {label}.", messages.SUCCESS)

    @admin.action(description="Mark identity verified", permissions=["change"])
    def mark_identity_verified(self, request, queryset) -> None:
        self._transition(request, queryset, RequestStatus.IDENTITY_VERIFIED)

    @admin.action(description="Start work", permissions=["change"])
    def start_work(self, request, queryset) -> None:
        self._transition(request, queryset, RequestStatus.IN_PROGRESS)

    @admin.action(description="Mark completed (e-mails the requester)", permissions=["change"])
    def mark_completed(self, request, queryset) -> None:
        self._transition(request, queryset, RequestStatus.COMPLETED)
