"""The consent log (CON-1, CON-2): per-purpose consent given and withdrawn as easily, recorded append-only with a
hash chain that shows tampering, answered by one query, purged 24 months after a withdrawal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from privacy.models import Channel, Choice, ConsentEvent, Method
from privacy.selectors import consent_chain_breaks, consent_given, consent_history
from privacy.services import (
    consent_events_purge,
    consent_record,
    consent_visitor_merge,
    ip_truncate,
)

pytestmark = pytest.mark.django_db


def _grant(user, purpose="marketing_email", **kwargs):
    return consent_record(
        user=user, purpose=purpose, choice=Choice.GRANTED, method=Method.SETTINGS, channel=Channel.WEB, **kwargs
    )


def _withdraw(user, purpose="marketing_email", **kwargs):
    return consent_record(
        user=user, purpose=purpose, choice=Choice.WITHDRAWN, method=Method.SETTINGS, channel=Channel.WEB, **kwargs
    )


@pytest.mark.promise("CON-1")
class TestCurrentState:
    def test_nothing_is_consented_by_default(self, user):
        assert not consent_given(user, "marketing_email")
        assert not consent_given(user, "analytics")

    def test_withdrawal_takes_effect_at_once(self, user):
        _grant(user)
        assert consent_given(user, "marketing_email")
        _withdraw(user)
        assert not consent_given(user, "marketing_email")

    def test_purposes_are_independent_and_per_person(self, user, other_user):
        _grant(user, "analytics")
        assert consent_given(user, "analytics")
        assert not consent_given(user, "marketing_email")
        assert not consent_given(other_user, "analytics")

    def test_the_current_state_is_one_query(self, user):
        for _ in range(20):
            _grant(user)
            _withdraw(user)
        _grant(user)
        with CaptureQueriesContext(connection) as queries:
            assert consent_given(user, "marketing_email")
        assert len(queries) == 1


@pytest.mark.promise("CON-2")
class TestTheLogIsProof:
    def test_each_event_records_who_what_which_words_how_when_and_where(self, user):
        request = RequestFactory().post("/settings/privacy/", REMOTE_ADDR="203.0.113.77")
        event = _grant(user, "analytics", request=request)
        assert event.user == user and event.subject_key.startswith("u:") and event.subject_key != f"u:{user.pk}"
        assert event.purpose == "analytics" and event.choice == "granted"
        assert event.notice_version == "2026-11-01" and len(event.notice_digest) == 64
        assert (event.method, event.channel) == ("settings", "web")
        assert event.ip_truncated == "203.0.113.0/24" and event.origin == "testserver/settings/privacy/"

    def test_ip_addresses_are_truncated(self):
        assert ip_truncate("2001:db8:abcd:12:1:2:3:4") == "2001:db8:abcd::/48"
        assert ip_truncate("not an ip") == ""

    def test_events_cannot_be_edited_or_deleted(self, user):
        event = _grant(user)
        event.choice = Choice.WITHDRAWN
        with pytest.raises(PermissionError):
            event.save()
        with pytest.raises(PermissionError):
            event.delete()
        with pytest.raises(PermissionError):
            ConsentEvent.objects.filter(pk=event.pk).update(choice="withdrawn")
        with pytest.raises(PermissionError):
            ConsentEvent.objects.all().delete()
        assert ConsentEvent.objects.get(pk=event.pk).choice == "granted"

    def test_each_event_is_chained_to_the_previous_one(self, user):
        first, second = _grant(user), _withdraw(user)
        assert first.previous_hash == "" and second.previous_hash == first.hash
        assert consent_chain_breaks() == []
        call_command("consent_chains_verify")

    def test_the_verifier_detects_an_event_edited_behind_the_apps_back(self, user):
        _grant(user)
        withdrawn = _withdraw(user)
        _grant(user)
        with connection.cursor() as cursor:  # what someone with database access could do
            cursor.execute("UPDATE privacy_consentevent SET choice = 'granted' WHERE id = %s", [withdrawn.pk])
        assert any(f"event {withdrawn.pk}" in problem and "edited" in problem for problem in consent_chain_breaks())
        with pytest.raises(CommandError, match="break"):
            call_command("consent_chains_verify")

    def test_the_verifier_detects_a_removed_event(self, user):
        _grant(user)
        middle = _withdraw(user)
        last = _grant(user)
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM privacy_consentevent WHERE id = %s", [middle.pk])
        assert any(f"event {last.pk}" in problem and "removed" in problem for problem in consent_chain_breaks())

    def test_unknown_purposes_and_choices_write_nothing(self, user):
        with pytest.raises(LookupError):
            consent_record(user=user, purpose="mind_reading", choice="granted", method="settings", channel="web")
        with pytest.raises(ValueError):
            consent_record(user=user, purpose="analytics", choice="maybe", method="settings", channel="web")
        assert not ConsentEvent.objects.exists()


@pytest.mark.promise("CON-2")
class TestRetention:
    def test_a_withdrawn_purpose_is_purged_24_months_after_the_withdrawal(self, user):
        now = timezone.now()
        _grant(user, at=now - timedelta(days=900))
        _withdraw(user, at=now - timedelta(days=731))
        assert consent_events_purge(now=now) == 2
        assert not ConsentEvent.objects.filter(purpose="marketing_email").exists()

    def test_the_purge_keeps_events_younger_than_the_period_and_standing_consents(self, user, other_user):
        now = timezone.now()
        _grant(user, at=now - timedelta(days=900))
        _withdraw(user, at=now - timedelta(days=729))  # withdrawn, but not 24 months ago yet
        _grant(user, "analytics", at=now - timedelta(days=1500))  # old, but it still stands
        _grant(other_user, at=now - timedelta(days=1000))
        _withdraw(other_user, at=now - timedelta(days=800))
        _grant(other_user, at=now - timedelta(days=10))  # given again: the chain stands
        assert consent_events_purge(now=now) == 0
        assert ConsentEvent.objects.count() == 6
        assert consent_chain_breaks() == []

    def test_purging_one_purpose_leaves_the_other_chains_intact(self, user):
        now = timezone.now()
        _grant(user, "analytics", at=now - timedelta(days=800))
        _grant(user, at=now - timedelta(days=800))
        _withdraw(user, at=now - timedelta(days=760))
        _grant(user, "analytics", at=now - timedelta(days=5))
        assert consent_events_purge(now=now) == 2
        assert consent_chain_breaks() == []
        assert consent_given(user, "analytics")

    def test_the_period_is_a_setting(self, user, settings):
        settings.CONSENT_RETENTION_DAYS = 30
        now = timezone.now()
        _withdraw(user, at=now - timedelta(days=31))
        assert consent_events_purge(now=now) == 1


@pytest.mark.promise("CON-2")
def test_choices_made_before_signing_in_count_for_the_account_without_rewriting_events(user):
    visitor = "visitor-7f3a"
    consent_record(visitor_id=visitor, purpose="analytics", choice="declined", method="banner", channel="web")
    before = list(ConsentEvent.objects.values_list("pk", "hash"))
    merged = consent_visitor_merge(visitor_id=visitor, user=user)
    assert [(e.purpose, e.choice, e.method) for e in merged] == [("analytics", "declined", "banner")]
    assert list(ConsentEvent.objects.filter(pk__in=[p for p, _ in before]).values_list("pk", "hash")) == before
    assert [e.purpose for e in consent_history(user)] == ["analytics", "analytics"]
    assert consent_visitor_merge(visitor_id=visitor, user=user) == [], "merging twice adds nothing"


@pytest.mark.promise("CON-1")
class TestConsentApi:
    def test_the_api_lists_every_purpose_with_its_state_and_notice(self, api_client, user):
        _grant(user, "analytics")
        states = {s["purpose"]: s for s in api_client.get("/api/v1/consents/").json()}
        assert set(states) == {"location", "ai_uploads", "body_photos", "marketing_email", "analytics"}
        assert states["analytics"]["granted"] is True and states["location"]["granted"] is False
        assert "e-mail" in states["marketing_email"]["notice"]

    def test_giving_and_withdrawing_through_the_api(self, api_client, user):
        response = api_client.post("/api/v1/consents/", {"purpose": "marketing_email", "choice": "granted"})
        assert response.status_code == 201 and response.json()["channel"] == "api"
        assert consent_given(user, "marketing_email")
        api_client.post("/api/v1/consents/", {"purpose": "marketing_email", "choice": "withdrawn"})
        assert not consent_given(user, "marketing_email")
        history = api_client.get("/api/v1/consents/history/").json()
        assert [e["choice"] for e in history] == ["granted", "withdrawn"]

    @pytest.mark.parametrize(
        ("payload", "field"),
        [
            ({"purpose": "mind_reading", "choice": "granted"}, "purpose"),
            ({"purpose": "analytics", "choice": "yes"}, "choice"),
        ],
    )
    def test_bad_input_is_a_clear_400_and_records_nothing(self, api_client, payload, field):
        response = api_client.post("/api/v1/consents/", payload)
        assert response.status_code == 400
        assert response.json()["code"] == "invalid" and field in response.json()["errors"]
        assert not ConsentEvent.objects.exists()

    def test_history_is_only_ever_your_own(self, api_client, other_user):
        _grant(other_user)
        assert api_client.get("/api/v1/consents/history/").json() == []


@pytest.mark.promise("CON-1")
class TestPrivacyCentre:
    def test_the_page_shows_every_purpose_with_its_state_and_meaning(self, client, user):
        _grant(user, "analytics")
        client.force_login(user)
        html = client.get("/settings/privacy/").content.decode()
        for title in ("Location", "AI uploads", "Body photos", "News by e-mail", "Usage analytics"):
            assert title in html
        assert html.count("Turn off") == 1 and html.count("Turn on") == 4
        assert "Explicit consent" in html

    def test_one_click_gives_and_one_click_withdraws(self, client, user):
        client.force_login(user)
        client.post("/settings/privacy/location/", {"choice": "granted"})
        assert consent_given(user, "location")
        response = client.post("/settings/privacy/location/", {"choice": "withdrawn"})
        assert response.status_code == 302
        assert not consent_given(user, "location")
        event = ConsentEvent.objects.order_by("-id").first()
        assert (event.method, event.channel) == ("settings", "web")

    def test_an_unknown_purpose_or_choice_changes_nothing(self, client, user):
        client.force_login(user)
        client.post("/settings/privacy/telepathy/", {"choice": "granted"})
        client.post("/settings/privacy/location/", {"choice": "perhaps"})
        assert not ConsentEvent.objects.exists()

    def test_the_history_downloads_as_json_with_the_words_shown(self, client, user):
        _grant(user, "marketing_email")
        client.force_login(user)
        response = client.get("/settings/privacy/history.json")
        assert response["Content-Disposition"].startswith("attachment")
        (event,) = response.json()["consent_history"]
        assert event["purpose"] == "marketing_email" and "unsubscribe" in event["notice_text"]


def test_notification_preferences_are_per_category_and_security_stays_on(client, user):
    from privacy.selectors import notification_preferences_of

    client.force_login(user)
    assert notification_preferences_of(user).account_service is True
    assert notification_preferences_of(user).outfit_reminders is False
    html = client.get("/settings/privacy/").content.decode()
    assert "Security alerts" in html and "checked disabled" in html
    client.post("/settings/privacy/notifications/", {"outfit_reminders": "on"})
    preferences = notification_preferences_of(user)
    assert (preferences.account_service, preferences.outfit_reminders) == (False, True)


@pytest.mark.promise("STO-5")
def test_a_store_connection_consent_is_kept_24_months_after_revocation_then_purged(user):
    now = timezone.now()
    consent_record(
        user=user,
        purpose="store:7",
        choice="granted",
        method="store_connection",
        channel="web",
        at=now - timedelta(days=1000),
    )
    consent_record(
        user=user, purpose="store:7", choice="withdrawn", method="settings", channel="web", at=now - timedelta(days=700)
    )
    assert consent_events_purge(now=now) == 0, "still within 24 months of the revocation"
    assert consent_events_purge(now=now + timedelta(days=31)) == 2
