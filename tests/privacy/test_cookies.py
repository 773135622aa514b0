"""Cookies (CON-3): strictly necessary ones only until a choice; analytics only with consent; Reject as easy as
Accept; the Global Privacy Control signal is an opt-out, recorded and obeyed."""

from __future__ import annotations

import pytest
from django.test import Client

from privacy.cookies import ANALYTICS_COOKIE, CHOICE_COOKIE
from privacy.models import ConsentEvent, UsageEvent
from privacy.selectors import consent_given
from privacy.services import consent_record

pytestmark = [pytest.mark.django_db, pytest.mark.promise("CON-3")]
NECESSARY = {"sessionid", "csrftoken", "sc_device"}


def test_before_a_choice_no_cookie_is_set_and_nothing_is_counted(client):
    response = client.get("/")
    assert set(response.cookies) <= NECESSARY
    assert 'id="cookie-banner"' in response.content.decode()
    client.get("/accounts/login/")
    assert not UsageEvent.objects.exists() and not ConsentEvent.objects.exists()
    assert ANALYTICS_COOKIE not in client.cookies


def test_rejecting_is_recorded_and_keeps_analytics_off(client):
    response = client.post("/privacy/cookies/", {"choice": "reject", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert CHOICE_COOKIE in client.cookies and ANALYTICS_COOKIE not in client.cookies
    event = ConsentEvent.objects.get()
    assert (event.purpose, event.choice, event.method) == ("analytics", "declined", "banner")
    page = client.get("/")
    assert 'id="cookie-banner"' not in page.content.decode()
    assert ANALYTICS_COOKIE not in page.cookies and not UsageEvent.objects.exists()


def test_accepting_is_recorded_then_sets_the_analytics_cookie_and_counts_pages(client):
    client.post("/privacy/cookies/", {"choice": "accept"})
    assert ConsentEvent.objects.get().choice == "granted"
    page = client.get("/")
    assert ANALYTICS_COOKIE in page.cookies
    assert list(UsageEvent.objects.values_list("view_name", flat=True)) == ["landing"]


def test_the_choice_cookie_cannot_be_forged(client):
    client.cookies[CHOICE_COOKIE] = "v=me;a=1"
    page = client.get("/")
    assert 'id="cookie-banner"' in page.content.decode()
    assert not UsageEvent.objects.exists()


def test_a_bad_choice_is_refused_and_records_nothing(client):
    assert client.post("/privacy/cookies/", {"choice": "maybe"}).status_code == 400
    assert not ConsentEvent.objects.exists()


def test_an_offsite_next_is_not_followed(client):
    response = client.post("/privacy/cookies/", {"choice": "reject", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_the_gpc_signal_is_recorded_once_and_obeyed():
    browser = Client(headers={"Sec-GPC": "1"})
    page = browser.get("/")
    assert 'id="cookie-banner"' not in page.content.decode(), "the signal is the choice"
    event = ConsentEvent.objects.get()
    assert (event.purpose, event.choice, event.method) == ("analytics", "declined", "gpc")
    browser.get("/")
    assert ConsentEvent.objects.count() == 1, "recorded once, not on every request"
    assert not UsageEvent.objects.exists() and ANALYTICS_COOKIE not in browser.cookies


def test_gpc_overrides_an_earlier_yes(user):
    browser = Client()
    browser.post("/privacy/cookies/", {"choice": "accept"})
    browser.defaults["HTTP_SEC_GPC"] = "1"
    browser.get("/")
    assert not UsageEvent.objects.exists()
    assert ConsentEvent.objects.order_by("-id").first().method == "gpc"


def test_gpc_withdraws_a_signed_in_persons_marketing_consent(user):
    consent_record(user=user, purpose="marketing_email", choice="granted", method="settings", channel="web")
    consent_record(user=user, purpose="analytics", choice="granted", method="settings", channel="web")
    browser = Client(headers={"Sec-GPC": "1"})
    browser.force_login(user)
    browser.get("/closet/")
    assert not consent_given(user, "marketing_email") and not consent_given(user, "analytics")
    assert set(ConsentEvent.objects.filter(method="gpc").values_list("purpose", flat=True)) == {
        "analytics",
        "marketing_email",
    }


def test_a_signed_in_persons_page_views_follow_their_logged_consent(client, user):
    client.force_login(user)
    client.get("/closet/")
    assert not UsageEvent.objects.exists()
    consent_record(user=user, purpose="analytics", choice="granted", method="settings", channel="web")
    client.get("/closet/")
    assert UsageEvent.objects.get().user == user


@pytest.mark.promise("CON-2")
def test_a_banner_choice_made_before_signing_in_joins_the_account(client, user):
    from tests.accounts.factories import PASSWORD

    client.post("/privacy/cookies/", {"choice": "accept"})
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert consent_given(user, "analytics")


def test_an_api_call_is_never_counted_so_the_consent_log_is_not_asked(client, user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    consent_record(user=user, purpose="analytics", choice="granted", method="settings", channel="web")
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/privacy-requests/")
    assert response.status_code == 200
    assert not [q["sql"] for q in queries if "privacy_consentevent" in q["sql"]]
    assert not UsageEvent.objects.exists()

    client.get("/closet/")
    assert UsageEvent.objects.get().view_name == "closet:item-list"
