"""Security incidents: staff record one, list the people affected, and each gets one e-mail, sent in the
background and recorded (SEC-4)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from config.celery import PersonalDataInTaskArguments
from config.celery import app as celery_app
from security import tasks
from security.models import IncidentAffectedUser, SecurityIncident
from security.roles import PRIVACY_OFFICER
from security.services import security_incident_notify
from tests.accounts.factories import UserFactory
from tests.security.factories import IncidentAffectedUserFactory, SecurityIncidentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.promise("SEC-4")]


@pytest.fixture
def eager():
    """Celery runs tasks in this process, at once (there is no worker in tests)."""
    before = (celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates)
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = before


@pytest.fixture
def privacy_officer(db):
    member = UserFactory(email="dpo@sesiocloset.test", is_staff=True)
    member.groups.add(Group.objects.get(name=PRIVACY_OFFICER))
    return member


def _notify_action(client, incident):
    return client.post(
        "/admin/security/securityincident/",
        {"action": "notify_affected_users", "_selected_action": [incident.pk]},
    )


def test_a_privacy_officer_records_an_incident_and_notifies_each_affected_person_once(
    client, user, other_user, privacy_officer, mailoutbox, eager, django_capture_on_commit_callbacks
):
    client.force_login(privacy_officer)
    response = client.post(
        "/admin/security/securityincident/add/",
        {
            "title": "Backup exposed",
            "description": "A backup bucket was public for two hours.",
            "detected_at_0": "2026-03-03",
            "detected_at_1": "10:00:00",
            "status": "contained",
            "notification_subject": "A security incident that concerns your account",
            "notification_body": "Some of your closet data was exposed for two hours. Please change your password.",
            "affected-TOTAL_FORMS": "2",
            "affected-INITIAL_FORMS": "0",
            "affected-MIN_NUM_FORMS": "0",
            "affected-MAX_NUM_FORMS": "1000",
            "affected-0-user": str(user.pk),
            "affected-1-user": str(other_user.pk),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    incident = SecurityIncident.objects.get()
    assert incident.recorded_by == privacy_officer
    assert set(incident.affected_users.all()) == {user, other_user}

    with django_capture_on_commit_callbacks(execute=True):
        assert _notify_action(client, incident).status_code == 302

    assert sorted(m.to[0] for m in mailoutbox) == ["alice@example.com", "bob@example.com"]
    assert all(m.subject == "SesioCloset: A security incident that concerns your account" for m in mailoutbox)
    assert "change your password" in mailoutbox[0].body
    assert not IncidentAffectedUser.objects.filter(notified_at__isnull=True).exists()
    incident.refresh_from_db()
    assert incident.notification_requested_at is not None


def test_notifying_twice_sends_nobody_a_second_email(user, other_user, mailoutbox):
    incident = SecurityIncidentFactory()
    IncidentAffectedUserFactory(incident=incident, user=user)
    IncidentAffectedUserFactory(incident=incident, user=other_user)

    assert security_incident_notify(incident_id=incident.pk) == 2
    first = dict(IncidentAffectedUser.objects.values_list("user", "notified_at"))
    assert security_incident_notify(incident_id=incident.pk) == 0
    assert len(mailoutbox) == 2
    assert dict(IncidentAffectedUser.objects.values_list("user", "notified_at")) == first

    late = UserFactory(email="carol@example.com")
    IncidentAffectedUserFactory(incident=incident, user=late)
    assert security_incident_notify(incident_id=incident.pk) == 1
    assert [m.to for m in mailoutbox[2:]] == [["carol@example.com"]]


def test_the_action_refuses_an_incident_without_a_message_or_with_everyone_notified(
    client, user, privacy_officer, mailoutbox, django_capture_on_commit_callbacks
):
    silent = SecurityIncidentFactory(notification_subject="", notification_body="")
    IncidentAffectedUserFactory(incident=silent, user=user)
    client.force_login(privacy_officer)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = _notify_action(client, silent)
    assert response.status_code == 302
    assert not callbacks and not mailoutbox
    silent.refresh_from_db()
    assert silent.notification_requested_at is None


def test_the_task_takes_only_the_incidents_id():
    with pytest.raises(PersonalDataInTaskArguments):
        tasks.incident_notify.delay("alice@example.com")


def test_support_staff_cannot_see_or_record_incidents(client):
    agent = UserFactory(email="support@sesiocloset.test", is_staff=True)
    agent.groups.add(Group.objects.get(name="Support"))
    client.force_login(agent)
    assert client.get("/admin/security/securityincident/").status_code == 403
    assert client.get("/admin/security/securityincident/add/").status_code == 403


def test_the_affected_people_are_picked_with_a_search_box(client, user, other_user, privacy_officer):
    client.force_login(privacy_officer)
    page = client.get("/admin/security/securityincident/add/").content.decode()
    assert "admin-autocomplete" in page
    response = client.get(
        "/admin/autocomplete/",
        {"term": "alice", "app_label": "security", "model_name": "incidentaffecteduser", "field_name": "user"},
    )
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [str(user.pk)]


def test_the_incident_list_counts_the_affected_people_without_a_query_per_row(client, privacy_officer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def list_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/admin/security/securityincident/", {"o": "4"})  # ordered by "Affected"
        assert response.status_code == 200
        return len(queries)

    client.force_login(privacy_officer)
    IncidentAffectedUserFactory.create_batch(2, incident=SecurityIncidentFactory(title="Two affected"))
    list_queries()  # the first page of a session also saves the session and caches the policies
    one_incident = list_queries()
    for _ in range(3):
        IncidentAffectedUserFactory(incident=SecurityIncidentFactory())
    assert list_queries() == one_incident

    page = client.get("/admin/security/securityincident/").content.decode()
    assert '<td class="field-affected_count">2</td>' in page
