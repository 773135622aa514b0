"""Privacy declarations for models that other packages define (Django admin, django-allauth)."""

from allauth.account.models import EmailAddress
from django.contrib.admin.models import LogEntry

from privacy.registry import DataCategory, Erasure, Export, Retention, register

register(
    LogEntry,
    category=DataCategory.STAFF_AUDIT,
    owner="user",
    retention=Retention.days_after(90, after="action_time"),
    export=Export.not_exported("A record of what a staff member changed in the admin, not data about a customer."),
    erasure=Erasure.delete(),
    description="The admin's record of changes made by staff members.",
)

register(
    EmailAddress,
    category=DataCategory.ACCOUNT,
    owner="user",
    retention=Retention.account_lifetime(),
    export=Export.rows(),
    erasure=Erasure.delete(),
    description="The e-mail addresses of an account and whether each is verified.",
)
