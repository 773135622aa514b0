from datetime import timedelta

import factory
from django.utils import timezone

from privacy.models import ExportJob, ExportStatus, PrivacyRequest, RequestChannel, RequestKind
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
