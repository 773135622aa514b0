"""Staff answer from the admin (SUP-1): the answer goes through the service, so the person is e-mailed once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from support.models import ThreadStatus
from tests.support.factories import SupportAttachmentFactory, SupportThreadFactory

pytestmark = [pytest.mark.django_db, pytest.mark.promise("SUP-1")]


def _change_data(thread, **fields) -> dict:
    count = thread.messages.count()
    return {
        "status": thread.status,
        "reply": "",
        "messages-TOTAL_FORMS": count,
        "messages-INITIAL_FORMS": count,
        "messages-MIN_NUM_FORMS": 0,
        "messages-MAX_NUM_FORMS": 1000,
        **fields,
    }


def test_staff_see_the_conversation_with_signed_attachment_links(client, staff_user, user):
    attachment = SupportAttachmentFactory(message__thread__owner=user, message__body="My closet is empty")
    client.force_login(staff_user)
    page = client.get(reverse("admin:support_supportthread_change", args=[attachment.message.thread_id]))
    assert page.status_code == 200
    assert "My closet is empty" in page.text and "signature=" in page.text


def test_a_staff_answer_from_the_admin_e_mails_the_owner_once(
    client, staff_user, user, eager, mailoutbox, django_capture_on_commit_callbacks
):
    thread = SupportThreadFactory(owner=user)
    client.force_login(staff_user)
    url = reverse("admin:support_supportthread_change", args=[thread.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, _change_data(thread, reply="We fixed it."))
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    thread.refresh_from_db()
    answer = thread.messages.get()
    assert (answer.body, answer.from_staff, answer.author) == ("We fixed it.", True, staff_user)
    assert thread.status == ThreadStatus.ANSWERED
    assert [m.to for m in mailoutbox] == [["alice@example.com"]]


def test_answering_and_closing_at_once_leaves_the_conversation_closed(
    client, staff_user, user, eager, mailoutbox, django_capture_on_commit_callbacks
):
    thread = SupportThreadFactory(owner=user)
    client.force_login(staff_user)
    url = reverse("admin:support_supportthread_change", args=[thread.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, _change_data(thread, reply="Done, closing.", status=ThreadStatus.CLOSED))
    thread.refresh_from_db()
    assert thread.status == ThreadStatus.CLOSED and thread.messages.count() == 1
    assert len(mailoutbox) == 1


def test_the_staff_list_filters_by_status_and_searches_subjects(client, staff_user, user):
    SupportThreadFactory(owner=user, subject="Photos vanish", status=ThreadStatus.OPEN)
    SupportThreadFactory(owner=user, subject="Export question", status=ThreadStatus.CLOSED)
    client.force_login(staff_user)
    changelist = reverse("admin:support_supportthread_changelist")
    assert "Photos vanish" in client.get(changelist, {"status__exact": "open"}).text
    assert "Export question" not in client.get(changelist, {"status__exact": "open"}).text
    assert "Export question" in client.get(changelist, {"q": "export"}).text


def test_a_staff_member_with_only_the_support_permissions_can_answer(
    client, user, eager, mailoutbox, django_capture_on_commit_callbacks
):
    from django.contrib.auth.models import Permission

    from tests.accounts.factories import UserFactory

    agent = UserFactory(email="agent@example.com", is_staff=True)
    codenames = ("view_supportthread", "change_supportthread", "view_supportmessage", "add_supportmessage")
    agent.user_permissions.set(Permission.objects.filter(content_type__app_label="support", codename__in=codenames))
    thread = SupportThreadFactory(owner=user)
    client.force_login(agent)
    url = reverse("admin:support_supportthread_change", args=[thread.pk])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, _change_data(thread, reply="On it."))
    assert response.status_code == 302
    assert thread.messages.get().author == agent and len(mailoutbox) == 1
