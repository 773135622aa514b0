"""Privacy declarations for models of Django itself. allauth's are declared in accounts/privacy.py."""

from django.contrib.admin.models import LogEntry

from privacy.registry import DataCategory, Erasure, Export, Retention, register

register(
    LogEntry,
    category=DataCategory.STAFF_AUDIT,
    owner="user",
    retention=Retention.days_after(90, after="action_time", setting="RETENTION_SECURITY_LOG_DAYS"),
    export=Export.not_exported("A record of what a staff member changed in the admin, not data about a customer."),
    erasure=Erasure.delete(),
    description="The admin's record of changes made by staff members.",
)
