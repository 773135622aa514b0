"""Staff answer support conversations here (SUP-1). Messages are read-only (they are what was said); an answer
is written in the "Answer" box and goes through support_message_add, which e-mails the person."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.html import format_html_join

from core.storage import private_url
from support.models import SupportMessage, SupportThread, ThreadStatus
from support.services import BODY_MAX_LENGTH, support_message_add, support_thread_status_set


class SupportMessageInline(admin.StackedInline):
    """The conversation, oldest first, read-only. Attachments open through signed links that expire."""

    model = SupportMessage
    fields = ("created_at", "from_staff", "author", "body", "attachment_links")
    readonly_fields = fields
    ordering = ("created_at",)
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author").prefetch_related("attachments")

    @admin.display(description="Attachments")
    def attachment_links(self, message: SupportMessage) -> str:
        attachments = list(message.attachments.all())
        if not attachments:
            return "—"
        return format_html_join(
            " · ",
            '<a href="{}" target="_blank" rel="noopener noreferrer">{} {}</a>',
            ((private_url(a.file.name), a.kind_label, position) for position, a in enumerate(attachments, 1)),
        )


class SupportThreadAdminForm(forms.ModelForm):
    reply = forms.CharField(
        label="Answer",
        required=False,
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        help_text="Sent as SesioCloset support. The person is e-mailed that there is an answer (not its text) "
        "with a link to the conversation.",
    )

    class Meta:
        model = SupportThread
        fields = ("status",)


@admin.register(SupportThread)
class SupportThreadAdmin(admin.ModelAdmin):
    form = SupportThreadAdminForm
    list_display = ("subject", "status", "owner", "last_message_at", "created_at")
    list_filter = ("status",)
    search_fields = ("subject",)
    date_hierarchy = "last_message_at"
    list_select_related = ("owner",)
    fields = ("subject", "owner", "created_at", "last_message_at", "status", "reply")
    readonly_fields = ("subject", "owner", "created_at", "last_message_at")
    inlines = [SupportMessageInline]
    actions = ["mark_closed"]

    def has_add_permission(self, request) -> bool:
        return False  # conversations are started by people, from the app

    def save_model(self, request, obj: SupportThread, form: SupportThreadAdminForm, change: bool) -> None:
        reply = form.cleaned_data.get("reply", "").strip()
        if reply:
            try:
                support_message_add(thread=obj, author=request.user, body=reply, from_staff=True)
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
                return
            self.message_user(request, "Answer sent; the person is e-mailed about it.", messages.SUCCESS)
        # An explicit status chosen with the answer (e.g. answer and close) wins over "answered".
        if "status" in form.changed_data:
            support_thread_status_set(thread=obj, status=form.cleaned_data["status"])

    @admin.action(description="Close the selected conversations")
    def mark_closed(self, request, queryset) -> None:
        for thread in queryset:
            support_thread_status_set(thread=thread, status=ThreadStatus.CLOSED)
        self.message_user(request, f"{queryset.count()} conversation(s) closed.", messages.SUCCESS)
