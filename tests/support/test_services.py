"""Writing to support and answering (SUP-1): attachments are checked, stripped and private; a staff answer
e-mails the person; files follow their rows."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from support import services
from support.models import SupportAttachment, SupportMessage, SupportThread, ThreadStatus
from support.services import support_message_add, support_reply_notify, support_thread_create
from tests.support.conftest import (
    CAMERA,
    PERSON,
    pdf_upload,
    photo_upload,
    read_stored,
    stored_files,
    text_named_jpg,
)
from tests.support.factories import SupportAttachmentFactory, SupportMessageFactory, SupportThreadFactory

pytestmark = [pytest.mark.django_db, pytest.mark.promise("SUP-1")]


def test_a_conversation_starts_with_the_first_message_and_its_attachments(user):
    thread = support_thread_create(
        owner=user, subject="  Photos fail  ", body="My photo upload fails.", attachments=[photo_upload(), pdf_upload()]
    )
    assert (thread.owner, thread.subject, thread.status) == (user, "Photos fail", ThreadStatus.OPEN)
    message = thread.messages.get()
    assert (message.author, message.from_staff, message.body) == (user, False, "My photo upload fails.")
    attachments = list(message.attachments.order_by("content_type"))
    assert [a.content_type for a in attachments] == ["application/pdf", "image/jpeg"]
    assert stored_files() == sorted(a.file.name for a in attachments)
    for attachment in attachments:
        assert attachment.size == len(read_stored(attachment.file.name))


def test_a_stored_picture_carries_no_metadata_and_not_the_users_file_name(user):
    thread = support_thread_create(owner=user, subject="Hi", body="See photo", attachments=[photo_upload("GPS.jpg")])
    attachment = SupportAttachment.objects.get(message__thread=thread)
    data = read_stored(attachment.file.name)
    assert CAMERA.encode() not in data and PERSON.encode() not in data
    with Image.open(io.BytesIO(data)) as stored:
        assert stored.format == "JPEG"
        assert not stored.getexif()
        assert "exif" not in stored.info
    assert attachment.file.name.startswith("support/") and "GPS" not in attachment.file.name


def test_a_pdf_is_stored_as_it_is(user):
    thread = support_thread_create(owner=user, subject="Invoice", body="Attached", attachments=[pdf_upload()])
    attachment = SupportAttachment.objects.get(message__thread=thread)
    assert read_stored(attachment.file.name).startswith(b"%PDF-")
    assert attachment.file.name.endswith(".pdf") and "jane" not in attachment.file.name


@pytest.mark.parametrize(
    "make_upload, expected",
    [
        (text_named_jpg, "holiday.jpg: we can't accept this kind of file"),
        (lambda: photo_upload("huge.jpg"), "huge.jpg: the file is larger than the 200 bytes limit"),
    ],
    ids=["text-named-jpg", "oversize"],
)
def test_a_bad_attachment_is_refused_with_a_clear_message_and_nothing_is_stored(
    user, monkeypatch, make_upload, expected
):
    monkeypatch.setattr(services, "ATTACHMENT_MAX_BYTES", 200)  # the PDF fits, the photo does not
    with pytest.raises(ValidationError) as caught:
        support_thread_create(owner=user, subject="Hi", body="Hello", attachments=[pdf_upload(), make_upload()])
    messages = caught.value.message_dict["attachments"]
    assert len(messages) == 1 and expected in messages[0]  # the PDF (under 200 bytes) was fine
    assert not SupportThread.objects.exists() and not SupportMessage.objects.exists()
    assert stored_files() == []


def test_the_size_limit_message_names_the_limit(user, monkeypatch):
    monkeypatch.setattr(services, "ATTACHMENT_MAX_BYTES", 2 * 1024 * 1024)
    big = pdf_upload()
    big.size = 3 * 1024 * 1024  # what Django reports for a big upload; refused before a byte is read
    with pytest.raises(ValidationError, match="larger than the 2 MB limit"):
        support_thread_create(owner=user, subject="Hi", body="Hello", attachments=[big])
    assert stored_files() == []


def test_more_than_three_attachments_are_refused(user):
    with pytest.raises(ValidationError, match="Up to 3 attachments"):
        support_thread_create(owner=user, subject="Hi", body="Hello", attachments=[pdf_upload() for _ in range(4)])
    assert not SupportThread.objects.exists() and stored_files() == []


def test_a_reply_with_a_bad_attachment_stores_nothing(user):
    thread = SupportThreadFactory(owner=user)
    with pytest.raises(ValidationError):
        support_message_add(thread=thread, author=user, body="More", attachments=[text_named_jpg()])
    assert not thread.messages.exists() and stored_files() == []


def test_a_staff_answer_marks_the_conversation_answered_and_e_mails_the_owner_once(
    user, staff_user, eager, mailoutbox, django_capture_on_commit_callbacks
):
    thread = support_thread_create(owner=user, subject="Photos fail", body="Help")
    with django_capture_on_commit_callbacks(execute=True):
        answer = support_message_add(
            thread=thread, author=staff_user, body="Try clearing the cache, Alice.", from_staff=True
        )
    thread.refresh_from_db()
    assert thread.status == ThreadStatus.ANSWERED and thread.last_message_at == answer.created_at
    assert [m.to for m in mailoutbox] == [["alice@example.com"]]
    email = mailoutbox[0]
    assert "answered" in email.subject
    assert f"/support/{thread.pk}/" in email.body
    assert "clearing the cache" not in email.body  # the answer stays behind sign-in
    answer.refresh_from_db()
    assert answer.emailed_at is not None

    assert support_reply_notify(message_id=answer.pk) is False  # a redelivered task sends nothing more
    assert len(mailoutbox) == 1


def test_the_owners_own_messages_send_no_e_mail_and_reopen_a_closed_conversation(
    user, eager, mailoutbox, django_capture_on_commit_callbacks
):
    thread = SupportThreadFactory(owner=user, status=ThreadStatus.CLOSED)
    with django_capture_on_commit_callbacks(execute=True):
        support_message_add(thread=thread, author=user, body="It happened again.")
    thread.refresh_from_db()
    assert thread.status == ThreadStatus.OPEN
    assert mailoutbox == []


def test_only_the_owner_writes_as_the_user_and_only_staff_as_support(user, other_user):
    thread = SupportThreadFactory(owner=user)
    with pytest.raises(ValueError, match="Only the person"):
        support_message_add(thread=thread, author=other_user, body="Hijack")
    with pytest.raises(ValueError, match="Only staff"):
        support_message_add(thread=thread, author=user, body="I am staff", from_staff=True)
    assert not thread.messages.exists()


def test_the_reply_task_takes_only_ids(user):
    from config.celery import PersonalDataInTaskArguments
    from support.tasks import support_reply_notify as task

    with pytest.raises(PersonalDataInTaskArguments):
        task.delay("alice@example.com")


def test_deleting_a_thread_deletes_its_attachment_files(user, django_capture_on_commit_callbacks):
    thread = support_thread_create(owner=user, subject="Hi", body="Files", attachments=[photo_upload(), pdf_upload()])
    assert len(stored_files()) == 2
    with django_capture_on_commit_callbacks(execute=True):
        thread.delete()
    assert stored_files() == []
    assert not SupportAttachment.objects.exists()


def test_bulk_deletes_as_the_retention_sweep_does_them_delete_files_too(user, django_capture_on_commit_callbacks):
    old = SupportAttachmentFactory(message__thread__owner=user)
    kept = SupportAttachmentFactory(message__thread__owner=user)
    assert len(stored_files()) == 2
    with django_capture_on_commit_callbacks(execute=True):
        SupportMessage.objects.filter(pk=old.message_id).delete()
    assert stored_files() == [kept.file.name]


def test_files_stay_when_the_deletion_is_rolled_back(user, django_capture_on_commit_callbacks):
    from django.db import transaction

    attachment = SupportAttachmentFactory(message__thread__owner=user)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        SupportThread.objects.all().delete()
        raise RuntimeError("rolled back")
    assert stored_files() == [attachment.file.name]


def test_a_deleted_account_takes_its_support_files_with_it(user, django_capture_on_commit_callbacks):
    SupportAttachmentFactory(message=SupportMessageFactory(thread__owner=user))
    with django_capture_on_commit_callbacks(execute=True):
        user.delete()
    assert stored_files() == [] and not SupportThread.objects.exists()


@pytest.fixture
def deleted_files(monkeypatch):
    """Every name the storage is asked to delete, in order (a name twice means two mechanisms deleted it)."""
    from django.core.files.storage import default_storage

    storage_class = default_storage.__class__
    original = storage_class.delete
    asked: list[str] = []

    def delete(self, name):
        asked.append(name)
        return original(self, name)

    monkeypatch.setattr(storage_class, "delete", delete)
    return asked


def test_the_retention_sweep_leaves_attachment_files_to_the_receiver_and_each_goes_once(
    user, deleted_files, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from privacy.retention import retention_sweep

    old, recent = SupportAttachmentFactory(message__thread__owner=user), SupportAttachmentFactory()
    long_ago = timezone.now() - timedelta(days=400)
    SupportAttachment.objects.filter(pk=old.pk).update(created_at=long_ago)
    SupportMessage.objects.filter(pk=old.message_id).update(created_at=long_ago)
    SupportThread.objects.filter(pk=old.message.thread_id).update(last_message_at=long_ago, created_at=long_ago)

    with django_capture_on_commit_callbacks(execute=True):
        run = retention_sweep()

    assert deleted_files == [old.file.name]
    assert stored_files() == [recent.file.name]
    assert run.removed["support.SupportAttachment"] == 1 and run.files_removed == 1


def test_erasing_an_account_deletes_each_support_file_once_and_counts_it(
    user, deleted_files, django_capture_on_commit_callbacks
):
    from privacy.erasure import account_erase, account_erasure_start

    attachments = SupportAttachmentFactory.create_batch(2, message__thread__owner=user)
    erasure = account_erasure_start(user=user, actor=user)
    with django_capture_on_commit_callbacks(execute=True):
        assert account_erase(erasure_id=erasure.pk)

    assert sorted(deleted_files) == sorted(a.file.name for a in attachments)
    assert stored_files() == []
    erasure.refresh_from_db()
    assert erasure.files_removed == 2


def test_a_pdf_over_the_limit_is_refused_even_when_its_size_was_not_measured(user, monkeypatch):
    from tests.support.factories import PDF_BYTES

    monkeypatch.setattr(services, "ATTACHMENT_MAX_BYTES", len(PDF_BYTES) - 1)
    stream = io.BytesIO(PDF_BYTES)  # a plain stream: no size reported, so the limit is found by reading
    with pytest.raises(ValidationError, match="Attachment 1: the file is larger than the"):
        support_thread_create(owner=user, subject="Hi", body="Hello", attachments=[stream])
    assert stored_files() == []


def test_the_forms_state_the_same_size_limit_the_service_enforces():
    from core.images import human_bytes
    from support.forms import SupportReplyForm, SupportThreadForm

    limit = human_bytes(services.ATTACHMENT_MAX_BYTES)
    for form in (SupportThreadForm(), SupportReplyForm()):
        assert f"{limit} each" in str(form.fields["attachments"].help_text)
