from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from core.admin_actions import action_confirm_page, action_form
from privacy.models import (
    ConsentEvent,
    DenialReason,
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
    PRIVACY_REQUEST_CODE_DIGITS,
    PRIVACY_REQUEST_CODE_MAX_ATTEMPTS,
    PRIVACY_REQUEST_DUE_SOON_BUSINESS_DAYS,
    IdentityCodeError,
    identity_code_normalise,
    newsletter_send_enqueue,
    policy_publish,
    privacy_request_create,
    privacy_request_email_record,
    privacy_request_identity_code_resend,
    privacy_request_identity_code_state,
    privacy_request_identity_code_verify,
    privacy_request_identity_mark_verified,
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


class IdentityCodeForm(forms.Form):
    code = forms.CharField(
        label="Code the requester sent back",
        max_length=40,
        help_text=f"{PRIVACY_REQUEST_CODE_DIGITS} digits; spaces and hyphens do not matter.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )

    def clean_code(self) -> str:
        code = identity_code_normalise(self.cleaned_data["code"])
        if not (code.isdigit() and len(code) == PRIVACY_REQUEST_CODE_DIGITS):
            # A typo in the shape of the code is not counted as a try.
            raise ValidationError(f"The code has {PRIVACY_REQUEST_CODE_DIGITS} digits.")
        return code


class DeclineForm(forms.Form):
    denial_reason = forms.ChoiceField(
        label="Reason (told to the requester)", choices=DenialReason.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label="Note for the request's history (not sent)", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


def _identity_check(obj: PrivacyRequest) -> str:
    """Where the verification of an e-mailed request stands, in words for staff."""
    state = privacy_request_identity_code_state(obj)
    if state == "no_account":
        return (
            f"No account uses {obj.requester_email}: the requester's identity cannot be verified. This request can "
            'only be declined, with the reason "We could not verify your identity".'
        )
    if state == "sending":
        return f"A code is on its way to the account's address ({obj.user.email}); if none arrives, send a new code."
    if state == "not_needed":
        if obj.channel != RequestChannel.EMAIL:
            return "Made while signed in: the sign-in proves the identity."
        return f"Nothing to verify: the request is {obj.get_status_display().lower()}."
    expires = timezone.localtime(obj.identity_code_expires_at)
    sent_at = timezone.localtime(obj.identity_code_sent_at)
    sent = f"Code e-mailed to the account's address ({obj.user.email}) on {sent_at:%-d %B %Y at %H:%M}"
    if state == "locked":
        return f"{sent}; locked after {PRIVACY_REQUEST_CODE_MAX_ATTEMPTS} wrong tries. Send a new code."
    if state == "expired":
        return f"{sent}; expired on {expires:%-d %B %Y at %H:%M}. Send a new code."
    left = PRIVACY_REQUEST_CODE_MAX_ATTEMPTS - obj.identity_code_attempts
    return (
        f"{sent}; valid until {expires:%-d %B %Y at %H:%M}; {left} of {PRIVACY_REQUEST_CODE_MAX_ATTEMPTS} tries left."
    )


@admin.register(PrivacyRequest)
class PrivacyRequestAdmin(admin.ModelAdmin):
    """Rights requests (RGT-6). Staff log e-mailed requests here ("Add"); the due date is computed, and every
    status change goes through the actions, which record who made it. Requests are never edited or deleted.

    An e-mailed request is verified only by the code e-mailed to the account's address ("Verify identity with
    code…"); one from an address no account uses can only be declined (identity not verified)."""

    list_display = ("kind", "channel", "status", "requester", "received_at", "due_on", "deadline")
    list_filter = (OverdueFilter, "status", "kind", "channel")
    search_fields = ("requester_email", "user__email", "details")
    date_hierarchy = "received_at"
    raw_id_fields = ("user",)
    inlines = [PrivacyRequestEventInline]
    actions = [
        "mark_identity_verified", "verify_identity_with_code", "resend_identity_code", "start_work", "mark_completed",
        "decline",
    ]  # fmt: skip

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
            "kind", "channel", "status", "identity_check", "denial_reason", "user", "requester_email", "details",
            "received_at", "due_on", "completed_at",
        )  # fmt: skip

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.get_fields(request, obj)

    def get_changeform_initial_data(self, request):
        return {"channel": RequestChannel.EMAIL, **super().get_changeform_initial_data(request)}

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Buttons on the request's page for the actions that ask for something first; they post to the list's
        # action, like a selection of this one request.
        obj = self.get_object(request, object_id)
        buttons = []
        if obj is not None and obj.is_open and self.has_change_permission(request, obj):
            if privacy_request_identity_code_state(obj) not in ("not_needed", "no_account"):
                buttons.append(("verify_identity_with_code", "Verify identity with code…"))
            buttons.append(("decline", "Decline…"))
        extra_context = {
            **(extra_context or {}),
            "request_action_buttons": buttons,
            "changelist_url": reverse("admin:privacy_privacyrequest_changelist"),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change) -> None:
        if change:  # every field is read-only once logged; status moves only through the actions
            return
        if obj.channel == RequestChannel.EMAIL:  # looks the account up and e-mails it a code
            created = privacy_request_email_record(
                kind=obj.kind,
                requester_email=obj.requester_email,
                user=obj.user,
                details=obj.details,
                actor=request.user,
                received_at=obj.received_at,
            )
        else:
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
        obj.user = created.user
        if privacy_request_identity_code_state(created) == "no_account":
            self.message_user(request, _identity_check(created), messages.WARNING)
        elif created.channel == RequestChannel.EMAIL and created.status == RequestStatus.RECEIVED:
            self.message_user(
                request,
                f"A one-time code is being e-mailed to the account's address ({created.user.email}). When the "
                'requester sends it back, open the request and use "Verify identity with code…".',
                messages.INFO,
            )

    @admin.display(description="Requester")
    def requester(self, obj: PrivacyRequest) -> str:
        return obj.requester

    @admin.display(description="Identity check")
    def identity_check(self, obj: PrivacyRequest) -> str:
        return _identity_check(obj)

    @admin.display(description="Deadline")
    def deadline(self, obj: PrivacyRequest) -> str:
        if obj.is_overdue:
            return format_html(
                '<span style="{}">{}</span>',
                "background:#ba2121;color:#fff;padding:2px 6px;border-radius:4px;font-weight:bold",
                "Overdue",
            )
        return ""

    def _each(self, request, queryset, change, done: str) -> int:
        """Apply ``change`` to each request; report the ones it refused, one message each, and how many it moved."""
        moved = 0
        for privacy_request in queryset:
            try:
                change(privacy_request)
            except ValidationError as exc:
                self.message_user(request, f"{privacy_request}: {' '.join(exc.messages)}", messages.ERROR)
            else:
                moved += 1
        if moved:
            self.message_user(request, f"{moved} request(s) {done}.", messages.SUCCESS)
        return moved

    def _transition(self, request, queryset, to_status: str) -> None:
        label = RequestStatus(to_status).label.lower()
        self._each(
            request,
            queryset,
            lambda r: privacy_request_transition(request=r, to_status=to_status, actor=request.user),
            f"now {label}",
        )

    @admin.action(description="Mark identity verified (requests made while signed in)", permissions=["change"])
    def mark_identity_verified(self, request, queryset) -> None:
        self._each(
            request,
            queryset,
            lambda r: privacy_request_identity_mark_verified(request=r, actor=request.user),
            "now identity verified",
        )

    @admin.action(description="Verify identity with code… (e-mailed requests)", permissions=["change"])
    def verify_identity_with_code(self, request, queryset):
        """Ask for the code the requester sent back; a right one verifies the request, a wrong one counts a try."""
        if queryset.count() != 1:
            self.message_user(request, "Choose one request: each has its own code.", messages.ERROR)
            return None
        privacy_request = queryset.get()
        change_url = reverse("admin:privacy_privacyrequest_change", args=[privacy_request.pk])
        if "resend" in request.POST:
            return self._resend(request, privacy_request, change_url)
        form = action_form(request, IdentityCodeForm)
        if form.is_bound and form.is_valid():
            try:
                privacy_request_identity_code_verify(
                    request=privacy_request, code=form.cleaned_data["code"], actor=request.user
                )
            except IdentityCodeError as exc:  # wrong (try counted), expired or locked: say so on the form
                form.add_error("code", exc)
                self.log_change(request, privacy_request, f"Identity code refused: {' '.join(exc.messages)}")
                privacy_request.refresh_from_db()
            except ValidationError as exc:  # not waiting for a code at all
                self.message_user(request, f"{privacy_request}: {' '.join(exc.messages)}", messages.ERROR)
                return HttpResponseRedirect(change_url)
            else:
                self.log_change(request, privacy_request, "Identity verified with the code.")
                self.message_user(request, f"{privacy_request}: identity verified, the code matched.", messages.SUCCESS)
                return HttpResponseRedirect(change_url)
        state = privacy_request_identity_code_state(privacy_request)
        if state in ("not_needed", "no_account"):
            self.message_user(request, f"{privacy_request}: {_identity_check(privacy_request)}", messages.ERROR)
            return HttpResponseRedirect(change_url)
        return action_confirm_page(
            self,
            request,
            queryset,
            action="verify_identity_with_code",
            form=form,
            title="Verify identity with code",
            submit_label="Verify",
            template="admin/privacy/privacyrequest/verify_identity.html",
            context={"identity_check": _identity_check(privacy_request), "can_resend": True},
        )

    def _resend(self, request, privacy_request, change_url):
        try:
            privacy_request_identity_code_resend(request=privacy_request)
        except ValidationError as exc:
            self.message_user(request, f"{privacy_request}: {' '.join(exc.messages)}", messages.ERROR)
        else:
            self.log_change(request, privacy_request, "Sent a new identity code.")
            self.message_user(
                request,
                f"{privacy_request}: a new code is being e-mailed to the account's address; the previous one stops "
                "working once it is sent.",
                messages.SUCCESS,
            )
        return HttpResponseRedirect(change_url)

    @admin.action(description="Send a new identity code (e-mailed requests)", permissions=["change"])
    def resend_identity_code(self, request, queryset) -> None:
        def resend(privacy_request):
            privacy_request_identity_code_resend(request=privacy_request)
            self.log_change(request, privacy_request, "Sent a new identity code.")

        self._each(request, queryset, resend, "get a new code by e-mail at the account's address")

    @admin.action(description="Start work", permissions=["change"])
    def start_work(self, request, queryset) -> None:
        self._transition(request, queryset, RequestStatus.IN_PROGRESS)

    @admin.action(description="Mark completed (e-mails the requester)", permissions=["change"])
    def mark_completed(self, request, queryset) -> None:
        self._transition(request, queryset, RequestStatus.COMPLETED)

    @admin.action(description="Decline… (e-mails the requester the reason)", permissions=["change"])
    def decline(self, request, queryset):
        """Ask for the reason (from the fixed list) and a note, then decline each request that can still be
        declined; the requester is e-mailed the reason (privacy_request_transition)."""
        form = action_form(request, DeclineForm)
        if form.is_bound and form.is_valid():
            reason, note = form.cleaned_data["denial_reason"], form.cleaned_data["note"]
            self._each(
                request,
                queryset,
                lambda r: privacy_request_transition(
                    request=r, to_status=RequestStatus.DENIED, denial_reason=reason, note=note, actor=request.user
                ),
                "declined; the requester is told the reason by e-mail",
            )
            return None
        return action_confirm_page(
            self,
            request,
            queryset,
            action="decline",
            form=form,
            title="Decline privacy requests",
            submit_label="Decline",
            template="admin/privacy/privacyrequest/decline.html",
            context={"no_account": [r for r in queryset if privacy_request_identity_code_state(r) == "no_account"]},
        )
