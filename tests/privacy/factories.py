from datetime import timedelta

import factory
from django.utils import timezone

from privacy.models import (
    AccountErasure,
    Channel,
    Choice,
    ConsentEvent,
    ConsentSubjectLink,
    ExportJob,
    ExportStatus,
    Method,
    Newsletter,
    NewsletterDelivery,
    NotificationPreferences,
    PolicyAcknowledgement,
    PolicyVersion,
    PrivacyRequest,
    PrivacyRequestEvent,
    ProcessingRestriction,
    RequestChannel,
    RequestKind,
    RestrictablePurpose,
    UsageEvent,
)
from privacy.services import consent_record, consent_subject_key
from tests.accounts.factories import UserFactory


class ExportJobFactory(factory.django.DjangoModelFactory):
    """A finished export with a small bundle in private storage."""

    class Meta:
        model = ExportJob

    owner = factory.SubFactory(UserFactory)
    status = ExportStatus.READY
    progress = 100
    bundle = factory.django.FileField(filename="export.zip", data=b"PK\x05\x06" + b"\x00" * 18)
    bundle_size = 22


class PrivacyRequestFactory(factory.django.DjangoModelFactory):
    """A request made in the settings, received now, due in a week."""

    class Meta:
        model = PrivacyRequest

    user = factory.SubFactory(UserFactory)
    kind = RequestKind.ACCESS
    channel = RequestChannel.SETTINGS
    due_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=7))


class UsageEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UsageEvent

    user = factory.SubFactory(UserFactory)
    subject_key = factory.LazyAttribute(lambda o: consent_subject_key(user=o.user))
    view_name = "closet:item-list"


class ConsentEventFactory(factory.django.DjangoModelFactory):
    """A consent given in the settings, through the service (the log is append-only and hash-chained)."""

    class Meta:
        model = ConsentEvent

    @classmethod
    def _create(cls, model_class, user=None, purpose="analytics", choice=Choice.GRANTED, **kwargs):
        return consent_record(
            user=user or UserFactory(), purpose=purpose, choice=choice, method=Method.SETTINGS, channel=Channel.WEB
        )


class ConsentSubjectLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsentSubjectLink

    user = factory.SubFactory(UserFactory)
    visitor_key = factory.Sequence(lambda n: f"v:{n:032x}")


class NewsletterDeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NewsletterDelivery

    user = factory.SubFactory(UserFactory)
    newsletter = factory.LazyFunction(lambda: Newsletter.objects.create(subject="News", body="Hello"))
    token_nonce = factory.Sequence(lambda n: f"{n:032x}")


class NotificationPreferencesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NotificationPreferences

    user = factory.SubFactory(UserFactory)
    outfit_reminders = True


class PolicyAcknowledgementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PolicyAcknowledgement

    user = factory.SubFactory(UserFactory)
    policy = factory.LazyFunction(lambda: PolicyVersion.objects.first())


class PrivacyRequestEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PrivacyRequestEvent

    request = factory.SubFactory(PrivacyRequestFactory)
    to_status = "received"
    actor_label = "the requester"


class ProcessingRestrictionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProcessingRestriction

    user = factory.SubFactory(UserFactory)
    purpose = RestrictablePurpose.ANALYTICS


class AccountErasureFactory(factory.django.DjangoModelFactory):
    """A closure that was cancelled: the account is active, the row stays as its history."""

    class Meta:
        model = AccountErasure

    user = factory.SubFactory(UserFactory)
    reason = "user_request"
    status = "cancelled"
    erase_after = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    cancelled_at = factory.LazyFunction(timezone.now)
