import factory

from privacy.models import ExportJob, ExportStatus
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
