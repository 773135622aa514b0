"""Support on the web (SUP-1): the list and the form, a conversation and its reply form; another person's
conversation is a 404 (SEC-3)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from support.models import SupportAttachment, SupportThread, ThreadStatus
from support.services import support_message_add
from tests.support.conftest import pdf_upload, photo_upload, stored_files, text_named_jpg
from tests.support.factories import SupportAttachmentFactory, SupportMessageFactory, SupportThreadFactory

pytestmark = [pytest.mark.django_db, pytest.mark.promise("SUP-1")]

HOME = "/support/"


def test_the_support_page_asks_to_sign_in(client):
    response = client.get(HOME)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_support_page_lists_only_my_conversations(client, user, other_user):
    SupportThreadFactory(owner=user, subject="Where are my photos?")
    SupportThreadFactory(owner=other_user, subject="Bob's secret question")
    client.force_login(user)
    response = client.get(HOME)
    assert response.status_code == 200
    assert "Where are my photos?" in response.text
    assert "Bob&#x27;s secret question" not in response.text and "Bob's secret question" not in response.text


def test_writing_to_support_with_a_picture_opens_the_conversation(client, user):
    client.force_login(user)
    response = client.post(
        HOME, {"subject": "Upload fails", "body": "See the screenshot.", "attachments": [photo_upload(), pdf_upload()]}
    )
    thread = SupportThread.objects.get(owner=user)
    assert response.status_code == 302 and response["Location"] == reverse("support:thread", args=[thread.pk])
    assert SupportAttachment.objects.filter(message__thread=thread).count() == 2

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "See the screenshot." in page.text
    assert page.text.count("signature=") == 2  # each attachment through a signed, expiring link
    assert "invoice-jane-doe" not in page.text


def test_a_bad_attachment_is_a_form_error_and_nothing_is_stored(client, user):
    client.force_login(user)
    response = client.post(HOME, {"subject": "Hi", "body": "Hello", "attachments": [text_named_jpg()]})
    assert response.status_code == 400
    assert "holiday.jpg: we can&#x27;t accept this kind of file" in response.text
    assert not SupportThread.objects.exists() and stored_files() == []


def test_four_attachments_are_a_form_error(client, user):
    client.force_login(user)
    response = client.post(HOME, {"subject": "Hi", "body": "Hello", "attachments": [pdf_upload() for _ in range(4)]})
    assert response.status_code == 400 and "Up to 3 attachments" in response.text
    assert not SupportThread.objects.exists() and stored_files() == []


def test_replying_on_the_web_reopens_the_conversation(client, user, staff_user):
    thread = SupportThreadFactory(owner=user)
    SupportMessageFactory(thread=thread)
    support_message_add(thread=thread, author=staff_user, body="Fixed, I think.", from_staff=True)
    client.force_login(user)
    page = client.get(reverse("support:thread", args=[thread.pk]))
    assert "Fixed, I think." in page.text and "SesioCloset support" in page.text

    response = client.post(reverse("support:thread", args=[thread.pk]), {"body": "Still broken."})
    assert response.status_code == 302
    thread.refresh_from_db()
    assert thread.status == ThreadStatus.OPEN
    assert thread.messages.order_by("created_at").last().body == "Still broken."


def test_an_empty_reply_is_a_form_error(client, user):
    thread = SupportThreadFactory(owner=user)
    client.force_login(user)
    response = client.post(reverse("support:thread", args=[thread.pk]), {"body": "  "})
    assert response.status_code == 400 and not thread.messages.exists()


@pytest.mark.promise("SEC-3")
def test_another_persons_conversation_is_a_404_and_stays_untouched(client, user, other_user):
    attachment = SupportAttachmentFactory(message__thread__owner=user, message__body="Alice's private words")
    thread = attachment.message.thread
    url = reverse("support:thread", args=[thread.pk])
    client.force_login(other_user)
    assert client.get(url).status_code == 404
    assert client.post(url, {"body": "Bob was here"}).status_code == 404
    assert thread.messages.count() == 1
    assert "Alice&#x27;s private words" not in client.get(HOME).text
