from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from privacy.models import ConsentEvent, Newsletter, NewsletterStatus, PolicyVersion
from privacy.services import newsletter_send_enqueue, policy_publish


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

    @admin.action(description="Send to everyone who opted in")
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

    @admin.action(description="Publish (material changes: announced, effective 30+ days later)")
    def publish(self, request, queryset) -> None:
        for version in queryset:
            try:
                policy_publish(policy=version)
            except ValidationError as exc:
                self.message_user(request, f"{version}: {' '.join(exc.messages)}", messages.ERROR)
            else:
                self.message_user(request, f"{version} is published.", messages.SUCCESS)
