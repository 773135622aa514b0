"""Privacy requests are answered in time (RGT-6): the due date counts business days, every step is recorded,
staff see what is overdue, and the person can make and follow their requests in the settings and the API."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.urls import reverse
from django.utils import timezone

from config.env import env_dates
from privacy.deadlines import privacy_request_due_date
from privacy.models import PrivacyRequest, PrivacyRequestEvent, RequestStatus
from privacy.services import privacy_request_create, privacy_request_transition, privacy_requests_due_soon_digest
from tests.accounts.factories import UserFactory
from tests.privacy.factories import PrivacyRequestFactory

pytestmark = pytest.mark.promise("RGT-6")

ROOT = Path(__file__).resolve().parents[2]


def at(day: str, hour: int = 12) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


# --- The due date ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "due"),
    [
        ("2026-11-23", date(2026, 11, 30)),  # Monday → next Monday
        ("2026-11-27", date(2026, 12, 4)),  # Friday → next Friday
        ("2026-11-28", date(2026, 12, 4)),  # Saturday → counts Monday to Friday of the next week
        ("2026-11-29", date(2026, 12, 4)),  # Sunday → the same Friday
    ],
)
def test_the_due_date_counts_five_business_days_from_the_next_day(received, due):
    assert privacy_request_due_date(at(received)) == due


def test_a_holiday_in_between_pushes_the_due_date_by_one_day(settings):
    settings.PRIVACY_REQUEST_HOLIDAYS = [date(2026, 11, 26)]
    assert privacy_request_due_date(at("2026-11-23")) == date(2026, 12, 1)


def test_a_holiday_on_a_weekend_changes_nothing(settings):
    settings.PRIVACY_REQUEST_HOLIDAYS = [date(2026, 11, 28)]
    assert privacy_request_due_date(at("2026-11-23")) == date(2026, 11, 30)


def test_the_number_of_business_days_is_a_setting(settings):
    settings.PRIVACY_REQUEST_BUSINESS_DAYS = 7
    assert privacy_request_due_date(at("2026-11-23")) == date(2026, 12, 2)


def test_calendar_mode_gives_thirty_days(settings):
    settings.PRIVACY_REQUEST_DEADLINE_MODE = "calendar_days"
    assert privacy_request_due_date(at("2026-11-23")) == date(2026, 12, 23)


def test_the_day_of_receipt_is_the_sites_local_day(settings):
    settings.TIME_ZONE = "Europe/Helsinki"
    # Sunday 22:30 UTC is already Monday 00:30 in Helsinki: due the next Monday, not the Friday.
    received = datetime(2026, 11, 29, 22, 30, tzinfo=UTC)
    assert privacy_request_due_date(received) == date(2026, 12, 7)


def test_holidays_are_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("PRIVACY_REQUEST_HOLIDAYS", "2026-12-25, 2026-12-26")
    assert env_dates("PRIVACY_REQUEST_HOLIDAYS", []) == [date(2026, 12, 25), date(2026, 12, 26)]
    monkeypatch.delenv("PRIVACY_REQUEST_HOLIDAYS")
    assert env_dates("PRIVACY_REQUEST_HOLIDAYS", []) == []


def test_a_bad_holiday_date_is_refused_naming_it(monkeypatch):
    monkeypatch.setenv("PRIVACY_REQUEST_HOLIDAYS", "2026-12-25,25/12/2026")
    with pytest.raises(ImproperlyConfigured, match=r"PRIVACY_REQUEST_HOLIDAYS.*'25/12/2026'"):
        env_dates("PRIVACY_REQUEST_HOLIDAYS", [])


def test_a_bad_holiday_date_stops_start_up(tmp_path):
    environment = {
        "PATH": os.environ["PATH"],
        "SESIOCLOSET_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PRIVACY_REQUEST_HOLIDAYS": "2026-02-30",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode != 0
    assert "PRIVACY_REQUEST_HOLIDAYS must list dates as YYYY-MM-DD" in result.stderr


# --- Creating and moving requests --------------------------------------------------------------------------------


def test_a_new_request_gets_its_due_date_and_a_received_event(user, settings):
    request = privacy_request_create(kind="erasure", channel="settings", user=user, actor=user)
    assert request.status == RequestStatus.RECEIVED
    assert request.due_on == privacy_request_due_date(request.received_at)
    event = request.events.get()
    assert (event.from_status, event.to_status, event.actor, event.actor_label) == (
        "",
        "received",
        user,
        "the requester",
    )


def test_a_request_by_e_mail_needs_an_address_when_no_account_is_known(db):
    with pytest.raises(ValidationError):
        privacy_request_create(kind="access", channel="email")
    assert not PrivacyRequest.objects.exists()
    request = privacy_request_create(kind="access", channel="email", requester_email="carol@example.com")
    assert request.requester == "carol@example.com"


def test_allowed_transitions_move_the_request_and_record_who_did_it(user):
    staff = UserFactory(email="dpo@example.com", display_name="Dana", is_staff=True)
    request = privacy_request_create(kind="access", channel="settings", user=user, actor=user)
    privacy_request_transition(request=request, to_status="identity_verified", actor=staff, note="Signed in.")
    privacy_request_transition(request=request, to_status="in_progress", actor=staff)
    request.refresh_from_db()
    assert request.status == RequestStatus.IN_PROGRESS
    steps = list(request.events.values_list("from_status", "to_status", "actor", "actor_label", "note"))
    assert steps == [
        ("", "received", user.pk, "the requester", "Received via privacy settings."),
        ("received", "identity_verified", staff.pk, "staff: Dana", "Signed in."),
        ("identity_verified", "in_progress", staff.pk, "staff: Dana", ""),
    ]


@pytest.mark.parametrize(
    ("start", "to_status"),
    [
        ("received", "completed"),
        ("received", "in_progress"),
        ("identity_verified", "completed"),
        ("in_progress", "received"),
        ("completed", "in_progress"),
        ("denied", "completed"),
        ("cancelled", "received"),
    ],
)
def test_a_transition_that_is_not_allowed_is_refused_and_saves_nothing(user, start, to_status):
    request = PrivacyRequestFactory(user=user, status=start)
    with pytest.raises(ValidationError, match="cannot become"):
        privacy_request_transition(request=request, to_status=to_status, actor=user)
    request.refresh_from_db()
    assert request.status == start and request.completed_at is None
    assert not PrivacyRequestEvent.objects.exists()


def test_declining_needs_a_reason_from_the_fixed_list(user, mailoutbox, django_capture_on_commit_callbacks):
    request = PrivacyRequestFactory(user=user)
    for reason in ("", "we do not feel like it"):
        with pytest.raises(ValidationError, match="needs one of these reasons"):
            privacy_request_transition(request=request, to_status="denied", denial_reason=reason)
    request.refresh_from_db()
    assert request.status == RequestStatus.RECEIVED and not request.events.exists()

    with django_capture_on_commit_callbacks(execute=True):
        privacy_request_transition(request=request, to_status="denied", denial_reason="identity_not_verified")
    request.refresh_from_db()
    assert (request.status, request.denial_reason) == ("denied", "identity_not_verified")
    assert request.events.get().actor_label == "system"
    assert len(mailoutbox) == 1
    assert "was declined" in mailoutbox[0].subject
    assert "declined because we could not verify your identity" in mailoutbox[0].body


def test_a_denial_reason_is_refused_on_any_other_transition(user):
    request = PrivacyRequestFactory(user=user)
    with pytest.raises(ValidationError):
        privacy_request_transition(request=request, to_status="cancelled", denial_reason="not_our_data")
    assert not request.events.exists()


def test_completion_sets_the_time_and_e_mails_the_person(user, mailoutbox, django_capture_on_commit_callbacks):
    request = PrivacyRequestFactory(user=user, status="in_progress")
    with django_capture_on_commit_callbacks(execute=True):
        privacy_request_transition(request=request, to_status="completed")
    request.refresh_from_db()
    assert request.completed_at is not None
    assert [m.to for m in mailoutbox] == [["alice@example.com"]]
    assert "is completed" in mailoutbox[0].subject
    assert "is completed" in mailoutbox[0].body


def test_a_request_without_account_is_answered_at_the_address_it_came_from(
    db, mailoutbox, django_capture_on_commit_callbacks
):
    request = PrivacyRequestFactory(user=None, requester_email="carol@example.com", status="in_progress")
    with django_capture_on_commit_callbacks(execute=True):
        privacy_request_transition(request=request, to_status="completed")
    assert [m.to for m in mailoutbox] == [["carol@example.com"]]


def test_nothing_is_e_mailed_when_the_change_is_rolled_back(user, mailoutbox, django_capture_on_commit_callbacks):
    request = PrivacyRequestFactory(user=user, status="in_progress")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        privacy_request_transition(request=request, to_status="completed")
    assert len(callbacks) == 1 and mailoutbox == []  # sent only once the change is committed


# --- Staff: the admin and the digest ---------------------------------------------------------------------------


def test_the_admin_overdue_filter_lists_only_overdue_open_requests(admin_client, user):
    today = timezone.localdate()
    overdue = PrivacyRequestFactory(user=user, requester_email="", due_on=today - timedelta(days=1))
    PrivacyRequestFactory(user=user, due_on=today + timedelta(days=10))
    PrivacyRequestFactory(user=user, due_on=today - timedelta(days=3), status="completed")
    response = admin_client.get(reverse("admin:privacy_privacyrequest_changelist"), {"deadline": "overdue"})
    assert response.status_code == 200
    assert [r.pk for r in response.context["cl"].result_list] == [overdue.pk]
    assert "Overdue" in response.content.decode()


def test_the_admin_due_soon_filter_leaves_out_overdue_and_later_requests(admin_client, user):
    today = timezone.localdate()
    due_today = PrivacyRequestFactory(user=user, due_on=today)
    PrivacyRequestFactory(user=user, due_on=today - timedelta(days=1))
    PrivacyRequestFactory(user=user, due_on=today + timedelta(days=10))
    response = admin_client.get(reverse("admin:privacy_privacyrequest_changelist"), {"deadline": "due_soon"})
    assert [r.pk for r in response.context["cl"].result_list] == [due_today.pk]


def test_staff_log_an_e_mailed_request_in_the_admin_with_its_due_date_and_event(admin_client, admin_user):
    response = admin_client.post(
        reverse("admin:privacy_privacyrequest_add"),
        {
            "channel": "email",
            "kind": "erasure",
            "requester_email": "carol@example.com",
            "received_at_0": "2026-11-23",
            "received_at_1": "09:00:00",
            "details": "Please delete everything.",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    request = PrivacyRequest.objects.get()
    assert (request.requester_email, request.due_on) == ("carol@example.com", date(2026, 11, 30))
    event = request.events.get()
    assert event.actor == admin_user and event.actor_label.startswith("staff: ")


def test_the_admin_shows_a_request_read_only_with_its_history(admin_client, user):
    request = privacy_request_create(kind="objection", channel="settings", user=user, actor=user)
    page = admin_client.get(reverse("admin:privacy_privacyrequest_change", args=[request.pk]))
    assert page.status_code == 200
    assert not page.context["adminform"].form.fields  # every field is read-only: status moves through actions
    assert "the requester" in page.content.decode()
    assert admin_client.get(reverse("admin:privacy_privacyrequest_add")).status_code == 200


def test_admin_actions_move_requests_and_report_refusals(admin_client, user):
    received = PrivacyRequestFactory(user=user)
    done = PrivacyRequestFactory(user=user, status="completed")
    response = admin_client.post(
        reverse("admin:privacy_privacyrequest_changelist"),
        {"action": "mark_identity_verified", "_selected_action": [received.pk, done.pk]},
        follow=True,
    )
    received.refresh_from_db()
    done.refresh_from_db()
    assert (received.status, done.status) == ("identity_verified", "completed")
    shown = [str(m) for m in response.context["messages"]]
    assert any("cannot become identity verified" in m for m in shown), shown


def test_the_digest_e_mails_staff_the_overdue_and_due_soon_requests(user, mailoutbox):
    UserFactory(email="dpo@example.com", is_staff=True)
    today = date(2026, 11, 23)  # a Monday: due soon means by Wednesday
    PrivacyRequestFactory(user=user, kind="erasure", due_on=date(2026, 11, 20))
    PrivacyRequestFactory(user=None, requester_email="carol@example.com", kind="access", due_on=date(2026, 11, 25))
    PrivacyRequestFactory(user=user, kind="objection", due_on=date(2026, 11, 26))  # 3 business days away
    PrivacyRequestFactory(user=user, kind="restriction", due_on=date(2026, 11, 20), status="completed")

    assert privacy_requests_due_soon_digest(today=today) == 2
    assert [m.to for m in mailoutbox] == [["dpo@example.com"]]  # staff only: alice is not staff
    body = mailoutbox[0].body
    assert "OVERDUE" in body and "Erase my data from alice@example.com" in body
    assert "DUE WITHIN 2 BUSINESS DAYS" in body and "Access to my data from carol@example.com" in body
    assert "Object to" not in body and "Restrict" not in body


def test_the_digest_sends_nothing_when_nothing_is_due(user, mailoutbox):
    UserFactory(email="dpo@example.com", is_staff=True)
    PrivacyRequestFactory(user=user, due_on=date(2026, 12, 31))
    assert privacy_requests_due_soon_digest(today=date(2026, 11, 23)) == 0
    assert mailoutbox == []


# --- The person: settings and API ------------------------------------------------------------------------------


def test_the_person_makes_a_request_in_the_settings_and_sees_only_their_own(client, user, other_user):
    PrivacyRequestFactory(user=other_user, kind="objection")
    client.force_login(user)
    response = client.post(reverse("privacy:requests"), {"kind": "rectification", "details": "My name is wrong."})
    assert response.status_code == 302
    request = PrivacyRequest.objects.get(user=user)
    assert (request.kind, request.channel, request.details) == ("rectification", "settings", "My name is wrong.")
    page = client.get(reverse("privacy:centre")).content.decode()
    assert "Correct my data" in page and "Received" in page
    assert "Object to a use of my data</td>" not in page


def test_the_settings_form_refuses_an_unknown_kind(client, user):
    client.force_login(user)
    client.post(reverse("privacy:requests"), {"kind": "everything"})
    assert not PrivacyRequest.objects.exists()


def test_making_a_request_in_the_settings_needs_sign_in(client, db):
    response = client.post(reverse("privacy:requests"), {"kind": "access"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not PrivacyRequest.objects.exists()


def test_the_api_creates_lists_and_shows_only_the_persons_own_requests(api_client, user, other_user):
    PrivacyRequestFactory(user=other_user)
    response = api_client.post(
        "/api/v1/privacy-requests/", {"kind": "erasure", "details": "All of it.", "status": "completed"}, format="json"
    )
    assert response.status_code == 201, response.json()
    created = response.json()
    assert (created["kind"], created["channel"], created["status"]) == ("erasure", "api", "received")
    assert created["due_on"] == str(PrivacyRequest.objects.get(user=user).due_on)

    listed = api_client.get("/api/v1/privacy-requests/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [r["id"] for r in rows] == [created["id"]]
    assert api_client.get(f"/api/v1/privacy-requests/{created['id']}/").json()["details"] == "All of it."


def test_the_api_refuses_an_unknown_kind(api_client):
    response = api_client.post("/api/v1/privacy-requests/", {"kind": "everything"}, format="json")
    assert response.status_code == 400
    assert not PrivacyRequest.objects.exists()


def test_the_answer_is_sent_even_to_someone_who_turned_service_emails_off(
    user, mailoutbox, django_capture_on_commit_callbacks
):
    from privacy.services import notification_preferences_update

    notification_preferences_update(user=user, account_service=False, outfit_reminders=False)
    request = PrivacyRequestFactory(user=user, status="in_progress")
    with django_capture_on_commit_callbacks(execute=True):
        privacy_request_transition(request=request, to_status="completed")
    assert [m.to for m in mailoutbox] == [["alice@example.com"]]
