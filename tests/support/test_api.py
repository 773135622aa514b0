"""Support on the API (SUP-1): list, start a conversation with attachments, read it, reply; errors are
``{"code", "detail"}``; another person's conversation is a 404 (SEC-3)."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from rest_framework.test import APIClient

from support.models import SupportAttachment, SupportThread, ThreadStatus
from tests.support.conftest import CAMERA, pdf_upload, photo_upload, read_stored, stored_files, text_named_jpg
from tests.support.factories import SupportMessageFactory, SupportThreadFactory

pytestmark = [pytest.mark.django_db, pytest.mark.promise("SUP-1")]

THREADS = "/api/v1/support/threads/"


def test_starting_a_conversation_with_an_attachment(api_client, user):
    response = api_client.post(
        THREADS, {"subject": "Upload fails", "body": "Screenshot attached", "attachments": [photo_upload()]},
        format="multipart",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["subject"], body["status"]) == ("Upload fails", "open")
    [message] = body["messages"]
    assert (message["body"], message["from_staff"]) == ("Screenshot attached", False)
    [attachment] = message["attachments"]
    assert attachment["content_type"] == "image/jpeg"
    assert "signature=" in attachment["url"] and "expires=" in attachment["url"]

    stored = SupportAttachment.objects.get(pk=attachment["id"])
    data = read_stored(stored.file.name)
    assert CAMERA.encode() not in data
    with Image.open(io.BytesIO(data)) as picture:
        assert not picture.getexif()


def test_a_conversation_can_be_started_without_attachments_in_json(api_client, user):
    response = api_client.post(THREADS, {"subject": "Question", "body": "How do I export?"}, format="json")
    assert response.status_code == 201 and response.json()["messages"][0]["attachments"] == []


def test_a_bad_attachment_is_a_400_with_the_reason_and_nothing_is_stored(api_client, user):
    response = api_client.post(
        THREADS, {"subject": "Hi", "body": "Hello", "attachments": [pdf_upload(), text_named_jpg()]}, format="multipart"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "holiday.jpg: we can't accept this kind of file" in body["errors"]["attachments"][0]
    assert not SupportThread.objects.exists() and stored_files() == []


def test_four_attachments_are_a_400(api_client, user):
    response = api_client.post(
        THREADS, {"subject": "Hi", "body": "Hello", "attachments": [pdf_upload() for _ in range(4)]}, format="multipart"
    )
    assert response.status_code == 400 and "Up to 3" in str(response.json()["errors"]["attachments"])
    assert stored_files() == []


def test_the_list_holds_only_my_conversations(api_client, user, other_user):
    mine = SupportThreadFactory(owner=user)
    SupportThreadFactory(owner=other_user)
    response = api_client.get(THREADS)
    assert response.status_code == 200
    assert [t["id"] for t in response.json()["results"]] == [str(mine.pk)]


def test_reading_a_conversation_shows_its_messages_in_order(api_client, user):
    thread = SupportThreadFactory(owner=user)
    first = SupportMessageFactory(thread=thread, body="first")
    SupportMessageFactory(thread=thread, body="second", from_staff=True, author=None)
    body = api_client.get(f"{THREADS}{thread.pk}/").json()
    assert [m["body"] for m in body["messages"]] == ["first", "second"]
    assert body["messages"][0]["id"] == str(first.pk)
    assert "author" not in body["messages"][0]  # which staff member answered is not shown


def test_replying_with_an_attachment_reopens_the_conversation(api_client, user):
    thread = SupportThreadFactory(owner=user, status=ThreadStatus.ANSWERED)
    response = api_client.post(
        f"{THREADS}{thread.pk}/messages/", {"body": "Still broken", "attachments": [pdf_upload()]}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["attachments"][0]["content_type"] == "application/pdf"
    thread.refresh_from_db()
    assert thread.status == ThreadStatus.OPEN and thread.messages.count() == 1


@pytest.mark.promise("SEC-3")
def test_another_persons_conversation_is_a_404_on_the_api(user, other_user):
    thread = SupportThreadFactory(owner=user)
    SupportMessageFactory(thread=thread)
    bob = APIClient()
    bob.force_authenticate(other_user)
    not_found = {"code": "not_found", "detail": "Not found."}
    assert bob.get(f"{THREADS}{thread.pk}/").json() == not_found
    response = bob.post(f"{THREADS}{thread.pk}/messages/", {"body": "Bob was here"}, format="json")
    assert response.status_code == 404 and response.json() == not_found
    assert thread.messages.count() == 1
