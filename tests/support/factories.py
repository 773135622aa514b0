import factory
from django.utils import timezone

from support.models import SupportAttachment, SupportMessage, SupportThread, ThreadStatus
from tests.accounts.factories import UserFactory

# The smallest file the attachment fields accept; tests that check what is stored upload through the services.
PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


class SupportThreadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportThread

    owner = factory.SubFactory(UserFactory)
    subject = factory.Sequence(lambda n: f"Question {n}")
    status = ThreadStatus.OPEN
    created_at = factory.LazyFunction(timezone.now)
    last_message_at = factory.SelfAttribute("created_at")


class SupportMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportMessage

    thread = factory.SubFactory(SupportThreadFactory)
    author = factory.SelfAttribute("thread.owner")
    from_staff = False
    body = "My closet does not load."
    created_at = factory.LazyFunction(timezone.now)


class SupportAttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportAttachment

    message = factory.SubFactory(SupportMessageFactory)
    file = factory.django.FileField(filename="attachment.pdf", data=PDF_BYTES)
    content_type = "application/pdf"
    size = len(PDF_BYTES)
    created_at = factory.LazyFunction(timezone.now)
