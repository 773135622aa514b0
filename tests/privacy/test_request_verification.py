"""E-mailed privacy requests are verified by a one-time code sent to the account's own address, and staff decline
requests with a reason from the fixed list (RGT-6): through the services and through the admin staff use."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from privacy.models import PrivacyRequest, RequestStatus
from privacy.services import (
    IdentityCodeExpired,
    IdentityCodeLocked,
    IdentityCodeWrong,
    privacy_request_email_record,
    privacy_request_identity_code_resend,
    privacy_request_identity_code_verify,
    privacy_request_rectification_record,
    privacy_request_transition,
)
from security.roles import PRIVACY_OFFICER, SUPPORT
from tests.accounts.factories import UserFactory
from tests.privacy.factories import PrivacyRequestFactory

pytestmark = pytest.mark.promise("RGT-6")

CHANGELIST = reverse("admin:privacy_privacyrequest_changelist")


def _code(message) -> str:
    found = re.search(r"^\s+(\d{8})\s*$", message.body, re.MULTILINE)
    assert found, message.body
    return found.group(1)


def _change_url(request: PrivacyRequest) -> str:
    return reverse("admin:privacy_privacyrequest_change", args=[request.pk])


@pytest.fixture
def record(user, admin_user, celery_eager, django_capture_on_commit_callbacks):
    """Log an e-mailed request as staff do, running the code's background task at once (alice has an account)."""

    def record(**kwargs) -> PrivacyRequest:
        with django_capture_on_commit_callbacks(execute=True):
            request = privacy_request_email_record(kind=kwargs.pop("kind", "access"), actor=admin_user, **kwargs)
        request.refresh_from_db()
        return request

    return record


def _verify(client, request: PrivacyRequest, code: str):
    return client.post(
        CHANGELIST,
        {"action": "verify_identity_with_code", "_selected_action": [str(request.pk)], "confirm": "1", "code": code},
    )


# --- The code ---------------------------------------------------------------------------------------------------


def test_staff_logging_an_e_mail_request_sends_a_code_to_the_accounts_own_address(
    admin_client, user, celery_eager, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:privacy_privacyrequest_add"),
            {
                "channel": "email",
                "kind": "access",
                "requester_email": "  ALICE@Example.com",
                "received_at_0": "2026-11-23",
                "received_at_1": "09:00:00",
            },
        )
    assert response.status_code == 302, response.context["adminform"].form.errors
    request = PrivacyRequest.objects.get()
    assert request.user == user  # found by its address, whatever its case
    assert [m.to for m in mailoutbox] == [["alice@example.com"]]  # the address on file, as stored
    assert "Confirm your privacy request" in mailoutbox[0].subject
    assert "Access to my data" in mailoutbox[0].body
    assert request.status == RequestStatus.RECEIVED
    shown = [str(m) for m in admin_client.get(CHANGELIST).context["messages"]]
    assert any("being e-mailed to the account's address (alice@example.com)" in m for m in shown), shown


def test_the_code_goes_to_the_account_not_to_the_address_the_request_came_from(record, user, mailoutbox):
    record(user=user, requester_email="alice.at.work@example.org")
    assert [m.to for m in mailoutbox] == [["alice@example.com"]]


def test_the_task_is_given_the_request_id_only(admin_user, user, monkeypatch, django_capture_on_commit_callbacks):
    from privacy import tasks

    queued = []
    monkeypatch.setattr(tasks.privacy_request_identity_code_send, "delay", lambda *a, **k: queued.append((a, k)))
    with django_capture_on_commit_callbacks(execute=True):
        request = privacy_request_email_record(kind="access", requester_email="alice@example.com", actor=admin_user)
    assert queued == [((str(request.pk),), {})]  # the code is made by the worker: it never travels in the queue


def test_only_a_keyed_hash_of_the_code_is_stored_with_its_expiry(record, user, mailoutbox, settings):
    settings.PRIVACY_REQUEST_CODE_HOURS = 48
    request = record(requester_email="alice@example.com")
    code = _code(mailoutbox[0])
    row = PrivacyRequest.objects.filter(pk=request.pk).values().get()
    assert not any(code in str(value) for value in row.values())
    assert re.fullmatch(r"[0-9a-f]{64}", request.identity_code_hash)
    assert request.identity_code_expires_at - request.identity_code_sent_at == timedelta(hours=48)
    assert request.identity_code_attempts == 0
    assert "48 hours" in mailoutbox[0].body


def test_no_code_and_a_clear_notice_when_no_account_uses_the_address(admin_client, record, mailoutbox):
    request = record(requester_email="carol@example.com")
    assert request.user is None and mailoutbox == []
    page = admin_client.get(_change_url(request)).content.decode()
    assert "No account uses carol@example.com" in page
    assert "Verify identity with code" not in page and "Decline…" in page


def test_staff_are_told_at_once_when_no_account_uses_the_address(admin_client, user, mailoutbox):
    response = admin_client.post(
        reverse("admin:privacy_privacyrequest_add"),
        {"channel": "email", "kind": "erasure", "requester_email": "carol@example.com",
         "received_at_0": "2026-11-23", "received_at_1": "09:00:00"},
        follow=True,
    )  # fmt: skip
    shown = [str(m) for m in response.context["messages"]]
    assert any("No account uses carol@example.com" in m for m in shown), shown
    assert mailoutbox == [] and PrivacyRequest.objects.get().user is None


def test_a_request_without_account_can_only_be_declined_as_not_verified(record):
    request = record(requester_email="carol@example.com")
    for to_status, reason in (("identity_verified", ""), ("denied", "not_our_data")):
        with pytest.raises(ValidationError, match="No account uses the address"):
            privacy_request_transition(request=request, to_status=to_status, denial_reason=reason)
    privacy_request_transition(request=request, to_status="denied", denial_reason="identity_not_verified")
    request.refresh_from_db()
    assert (request.status, request.denial_reason) == ("denied", "identity_not_verified")


# --- Verifying it in the admin ------------------------------------------------------------------------------------


def test_the_right_code_verifies_the_request_and_records_that_it_matched(
    admin_client, admin_user, record, user, mailoutbox
):
    request = record(requester_email="alice@example.com")
    page = admin_client.get(_change_url(request)).content.decode()
    assert "Verify identity with code…" in page and "5 of 5 tries left" in page

    asked = admin_client.post(
        CHANGELIST, {"action": "verify_identity_with_code", "_selected_action": [str(request.pk)]}
    )
    assert asked.status_code == 200 and 'name="code"' in asked.content.decode()

    response = _verify(admin_client, request, " " + _code(mailoutbox[0])[:4] + "-" + _code(mailoutbox[0])[4:])
    assert response.status_code == 302 and response["Location"] == _change_url(request)
    request.refresh_from_db()
    assert request.status == RequestStatus.IDENTITY_VERIFIED
    event = request.events.get(to_status="identity_verified")
    assert (event.from_status, event.actor) == ("received", admin_user)
    assert "code" in event.note and "matched" in event.note
    assert request.identity_code_hash == ""  # spent


def test_a_code_verifies_once_only(admin_user, record, mailoutbox):
    request = record(requester_email="alice@example.com")
    code = _code(mailoutbox[0])
    privacy_request_identity_code_verify(request=request, code=code, actor=admin_user)
    with pytest.raises(ValidationError, match="not waiting for a code"):
        privacy_request_identity_code_verify(request=request, code=code, actor=admin_user)


def test_a_wrong_code_is_a_form_error_and_counts_a_try(admin_client, record, mailoutbox):
    request = record(requester_email="alice@example.com")
    wrong = "00000000" if _code(mailoutbox[0]) != "00000000" else "11111111"
    response = _verify(admin_client, request, wrong)
    assert response.status_code == 200
    assert response.context["form"].errors["code"] == ["This is not the code we sent. 4 tries left."]
    request.refresh_from_db()
    assert (request.status, request.identity_code_attempts) == ("received", 1)


def test_a_code_of_the_wrong_shape_is_refused_without_counting_a_try(admin_client, record, mailoutbox):
    request = record(requester_email="alice@example.com")
    response = _verify(admin_client, request, "1234")
    assert response.context["form"].errors["code"] == ["The code has 8 digits."]
    request.refresh_from_db()
    assert request.identity_code_attempts == 0


def test_five_wrong_codes_lock_it_even_against_the_right_one(admin_client, admin_user, record, mailoutbox):
    request = record(requester_email="alice@example.com")
    code = _code(mailoutbox[0])
    wrong = f"{(int(code) + 1) % 10**8:08d}"
    for left in (4, 3, 2, 1):
        with pytest.raises(IdentityCodeWrong, match=f"{left} tries left"):
            privacy_request_identity_code_verify(request=request, code=wrong, actor=admin_user)
    with pytest.raises(IdentityCodeLocked, match="last of 5 tries"):
        privacy_request_identity_code_verify(request=request, code=wrong, actor=admin_user)

    response = _verify(admin_client, request, code)
    assert "locked after 5 wrong tries" in response.context["form"].errors["code"][0]
    assert "Send a new code" in response.content.decode()
    request.refresh_from_db()
    assert (request.status, request.identity_code_attempts) == ("received", 5)


def test_an_expired_code_is_refused_even_when_right(admin_client, record, mailoutbox, settings, monkeypatch):
    settings.PRIVACY_REQUEST_CODE_HOURS = 2
    request = record(requester_email="alice@example.com")
    later = request.identity_code_sent_at + timedelta(hours=2, seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    response = _verify(admin_client, request, _code(mailoutbox[0]))
    assert response.status_code == 200
    assert "This code expired on" in response.context["form"].errors["code"][0]
    request.refresh_from_db()
    assert request.status == RequestStatus.RECEIVED
    assert "expired on" in admin_client.get(_change_url(request)).content.decode()


def test_an_expired_code_raises_from_the_service_too(admin_user, record, mailoutbox, monkeypatch):
    request = record(requester_email="alice@example.com")
    monkeypatch.setattr(timezone, "now", lambda: request.identity_code_expires_at)
    with pytest.raises(IdentityCodeExpired):
        privacy_request_identity_code_verify(request=request, code=_code(mailoutbox[0]), actor=admin_user)


def test_a_new_code_replaces_the_old_one_and_gives_five_tries_again(
    admin_client, admin_user, record, mailoutbox, django_capture_on_commit_callbacks
):
    request = record(requester_email="alice@example.com")
    old = _code(mailoutbox[0])
    wrong = f"{(int(old) + 1) % 10**8:08d}"
    for _ in range(5):
        with pytest.raises(ValidationError):
            privacy_request_identity_code_verify(request=request, code=wrong, actor=admin_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            CHANGELIST,
            {
                "action": "verify_identity_with_code", "_selected_action": [str(request.pk)], "confirm": "1",
                "resend": "1", "code": "",
            },
        )  # fmt: skip
    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [["alice@example.com"], ["alice@example.com"]]
    new = _code(mailoutbox[1])
    request.refresh_from_db()
    assert request.identity_code_attempts == 0
    if new != old:  # one chance in 10^8 that the new code is the old one
        with pytest.raises(IdentityCodeWrong):
            privacy_request_identity_code_verify(request=request, code=old, actor=admin_user)
    privacy_request_identity_code_verify(request=request, code=new, actor=admin_user)
    request.refresh_from_db()
    assert request.status == RequestStatus.IDENTITY_VERIFIED


def test_the_resend_action_sends_codes_only_where_one_is_awaited(
    admin_client, record, user, mailoutbox, django_capture_on_commit_callbacks
):
    waiting = record(requester_email="alice@example.com")
    signed_in = PrivacyRequestFactory(user=user)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            CHANGELIST,
            {"action": "resend_identity_code", "_selected_action": [str(waiting.pk), str(signed_in.pk)]},
            follow=True,
        )
    assert len(mailoutbox) == 2
    shown = [str(m) for m in response.context["messages"]]
    assert any("1 request(s) get a new code" in m for m in shown), shown
    assert any("Only an e-mailed request waiting for identity verification" in m for m in shown), shown
    with pytest.raises(ValidationError):
        privacy_request_identity_code_resend(request=signed_in)


def test_marking_verified_without_a_code_is_refused_for_e_mailed_requests(admin_client, record, user):
    request = record(requester_email="alice@example.com")
    signed_in = PrivacyRequestFactory(user=user)
    response = admin_client.post(
        CHANGELIST,
        {"action": "mark_identity_verified", "_selected_action": [str(request.pk), str(signed_in.pk)]},
        follow=True,
    )
    request.refresh_from_db()
    signed_in.refresh_from_db()
    assert request.status == RequestStatus.RECEIVED
    assert signed_in.status == RequestStatus.IDENTITY_VERIFIED
    assert "sign-in proves" in signed_in.events.get(to_status="identity_verified").note
    shown = [str(m) for m in response.context["messages"]]
    assert any("verified with the code sent to the account's address" in m for m in shown), shown


def test_no_other_path_verifies_a_request_waiting_for_its_code(admin_user, record, user):
    request = record(requester_email="alice@example.com")
    with pytest.raises(ValidationError, match="verified with the code"):
        privacy_request_transition(request=request, to_status="identity_verified", actor=admin_user)
    correction = record(kind="rectification", requester_email="alice@example.com")
    with pytest.raises(ValidationError, match="verified with the code"):
        privacy_request_rectification_record(request=correction, actor=admin_user, fields=["display_name"])
    request.refresh_from_db()
    correction.refresh_from_db()
    assert request.status == correction.status == RequestStatus.RECEIVED


def test_an_unverified_e_mailed_rectification_is_not_offered_for_a_correction(admin_client, record, user):
    from accounts.forms import AdminUserChangeForm

    record(kind="rectification", requester_email="alice@example.com")
    assert not AdminUserChangeForm(instance=user).fields["rectification_request"].queryset.exists()


def test_the_admin_form_offers_exactly_the_requests_the_correction_service_accepts(admin_user, user, other_user):
    from accounts.forms import AdminUserChangeForm
    from privacy.selectors import privacy_requests_open_for_rectification

    def rectification(**kwargs) -> PrivacyRequest:
        return PrivacyRequestFactory(user=user, kind="rectification", **kwargs)

    usable = {rectification(), rectification(status="identity_verified"), rectification(status="in_progress")}
    usable.add(rectification(channel="email", status="identity_verified"))
    unusable = [
        rectification(channel="email"),  # still waiting for its code
        rectification(status="completed"),
        PrivacyRequestFactory(user=user, kind="access"),
        PrivacyRequestFactory(user=other_user, kind="rectification"),
    ]

    assert set(privacy_requests_open_for_rectification(user=user)) == usable
    assert set(AdminUserChangeForm(instance=user).fields["rectification_request"].queryset) == usable
    for request in unusable[:3]:
        with pytest.raises(ValidationError):
            privacy_request_rectification_record(request=request, actor=admin_user, fields=["display_name"])
    for request in usable:
        privacy_request_rectification_record(request=request, actor=admin_user, fields=["display_name"])
        request.refresh_from_db()
        assert request.status == RequestStatus.COMPLETED


# --- Declining -------------------------------------------------------------------------------------------------


def test_decline_asks_for_a_reason_and_a_note_before_changing_anything(admin_client, user):
    request = PrivacyRequestFactory(user=user)
    response = admin_client.post(CHANGELIST, {"action": "decline", "_selected_action": [str(request.pk)]})
    assert response.status_code == 200
    page = response.content.decode()
    assert "We could not verify your identity" in page and "The law obliges us to keep this data" in page
    request.refresh_from_db()
    assert request.status == RequestStatus.RECEIVED and request.events.count() == 0


def test_decline_records_reason_note_and_actor_and_tells_the_requester(
    admin_client, admin_user, user, mailoutbox, django_capture_on_commit_callbacks
):
    request = PrivacyRequestFactory(user=user, status="in_progress")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            CHANGELIST,
            {
                "action": "decline", "_selected_action": [str(request.pk)], "confirm": "1",
                "denial_reason": "excessive_or_repetitive", "note": "Same request as last week, already answered.",
            },
            follow=True,
        )  # fmt: skip
    request.refresh_from_db()
    assert (request.status, request.denial_reason) == ("denied", "excessive_or_repetitive")
    event = request.events.get()
    assert (event.from_status, event.to_status, event.actor) == ("in_progress", "denied", admin_user)
    assert event.note == "Same request as last week, already answered."
    assert [m.to for m in mailoutbox] == [["alice@example.com"]]
    assert "was declined" in mailoutbox[0].subject
    assert "the request is excessive or repeats an earlier one" in mailoutbox[0].body
    assert "last week" not in mailoutbox[0].body  # the note is for the history, not for the requester
    assert any("1 request(s) declined" in str(m) for m in response.context["messages"])


def test_decline_leaves_closed_requests_alone_and_names_them(admin_client, user, mailoutbox):
    open_request = PrivacyRequestFactory(user=user)
    completed = PrivacyRequestFactory(user=user, status="completed")
    response = admin_client.post(
        CHANGELIST,
        {
            "action": "decline", "_selected_action": [str(open_request.pk), str(completed.pk)], "confirm": "1",
            "denial_reason": "manifestly_unfounded", "note": "No such data was ever collected.",
        },
        follow=True,
    )  # fmt: skip
    open_request.refresh_from_db()
    completed.refresh_from_db()
    assert open_request.status == "denied"
    assert (completed.status, completed.denial_reason) == ("completed", "")
    assert not completed.events.exists()
    shown = [str(m) for m in response.context["messages"]]
    assert any(m.startswith(str(completed)) and "cannot become declined" in m for m in shown), shown
    assert any("1 request(s) declined" in m for m in shown), shown


def test_decline_needs_a_reason_from_the_list_and_a_note(admin_client, user):
    request = PrivacyRequestFactory(user=user)
    response = admin_client.post(
        CHANGELIST,
        {"action": "decline", "_selected_action": [str(request.pk)], "confirm": "1", "denial_reason": "bored"},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"denial_reason", "note"}
    request.refresh_from_db()
    assert request.status == RequestStatus.RECEIVED


def test_decline_of_a_request_without_account_takes_only_the_identity_reason(admin_client, record):
    request = record(requester_email="carol@example.com")
    page = admin_client.post(CHANGELIST, {"action": "decline", "_selected_action": [str(request.pk)]})
    assert "No account uses the address of 1 of these requests" in page.content.decode()
    data = {"action": "decline", "_selected_action": [str(request.pk)], "confirm": "1", "note": "Unknown sender."}
    admin_client.post(CHANGELIST, {**data, "denial_reason": "not_our_data"})
    request.refresh_from_db()
    assert request.status == RequestStatus.RECEIVED
    admin_client.post(CHANGELIST, {**data, "denial_reason": "identity_not_verified"})
    request.refresh_from_db()
    assert (request.status, request.denial_reason) == ("denied", "identity_not_verified")


# --- Who may ---------------------------------------------------------------------------------------------------


def _staff(group_name: str, email: str):
    member = UserFactory(email=email, is_staff=True)
    member.groups.add(Group.objects.get(name=group_name))
    return member


@pytest.mark.promise("SEC-1")
def test_staff_who_may_only_view_requests_can_neither_verify_nor_decline(client, record, mailoutbox):
    request = record(requester_email="alice@example.com")
    client.force_login(_staff(SUPPORT, "support@sesiocloset.test"))
    page = client.get(CHANGELIST).content.decode()
    assert "verify_identity_with_code" not in page and '"decline"' not in page
    assert "Verify identity with code" not in client.get(_change_url(request)).content.decode()

    _verify(client, request, _code(mailoutbox[0]))
    client.post(
        CHANGELIST,
        {
            "action": "decline", "_selected_action": [str(request.pk)], "confirm": "1",
            "denial_reason": "identity_not_verified", "note": "x",
        },
    )  # fmt: skip
    request.refresh_from_db()
    assert request.status == RequestStatus.RECEIVED and request.identity_code_attempts == 0


@pytest.mark.promise("SEC-1")
def test_a_privacy_officer_verifies_with_the_code(client, record, user, mailoutbox):
    request = record(requester_email="alice@example.com")
    officer = _staff(PRIVACY_OFFICER, "dpo@sesiocloset.test")
    client.force_login(officer)
    assert _verify(client, request, _code(mailoutbox[0])).status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.IDENTITY_VERIFIED
    assert request.events.get(to_status="identity_verified").actor == officer
