from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count

from security.models import IncidentAffectedUser, SecurityEvent, SecurityIncident, StaffAccessLog
from security.services import security_incident_notify_enqueue


class ReadOnlyAdmin(admin.ModelAdmin):
    """Logs are evidence: nobody adds, edits or deletes a row by hand (the retention sweep removes old ones)."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "user", "ip_truncated", "user_agent")
    list_filter = ("kind",)
    date_hierarchy = "created_at"
    raw_id_fields = ("user",)
    list_select_related = ("user",)


@admin.register(StaffAccessLog)
class StaffAccessLogAdmin(ReadOnlyAdmin):
    """Who opened which record of personal data (SEC-1). Visible to privacy officers."""

    list_display = ("at", "staff", "action", "model_label", "object_id", "subject", "object_count")
    list_filter = ("action", "model_label")
    date_hierarchy = "at"
    raw_id_fields = ("staff", "subject")
    list_select_related = ("staff", "subject")


class IncidentAffectedUserInline(admin.TabularInline):
    """The people affected: picked with a search box; when each was notified is filled in by the notification."""

    model = IncidentAffectedUser
    fields = ("user", "notified_at")
    readonly_fields = ("notified_at",)
    autocomplete_fields = ("user",)
    extra = 1

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # a row once added is the record of who was affected; add another instead

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SecurityIncident)
class SecurityIncidentAdmin(admin.ModelAdmin):
    """Record an incident, list the affected people, then "Notify affected users" e-mails each of them once, in
    the background (SEC-4)."""

    list_display = ("title", "status", "detected_at", "recorded_by", "affected_count", "notification_requested_at")
    list_filter = ("status",)
    list_select_related = ("recorded_by",)
    date_hierarchy = "detected_at"
    readonly_fields = ("recorded_by", "notification_requested_at", "created_at")
    fields = (
        "title", "description", "detected_at", "status", "notification_subject", "notification_body",
        "recorded_by", "notification_requested_at", "created_at",
    )  # fmt: skip
    inlines = [IncidentAffectedUserInline]
    actions = ["notify_affected_users"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # the record of an incident is kept (GDPR art. 33(5))

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)

    def get_queryset(self, request):
        # Counted in the list's one query, not one query per row.
        return super().get_queryset(request).annotate(affected_total=Count("affected"))

    @admin.display(description="Affected", ordering="affected_total")
    def affected_count(self, obj: SecurityIncident) -> int:
        return obj.affected_total

    @admin.action(description="Notify affected users (by e-mail, once each)", permissions=["change"])
    def notify_affected_users(self, request, queryset) -> None:
        for incident in queryset:
            try:
                security_incident_notify_enqueue(incident=incident)
            except ValidationError as exc:
                self.message_user(request, f"{incident}: {' '.join(exc.messages)}", messages.ERROR)
            else:
                self.message_user(request, f"{incident}: the e-mails are being sent.", messages.SUCCESS)
