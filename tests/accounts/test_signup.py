"""Joining: web and headless sign-up, the age gate (ACC-3), e-mail verification, and bad input."""

from __future__ import annotations

import json
import logging
import re
from datetime import date, timedelta

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import serializers
from django.utils import timezone

from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()

STRONG_PASSWORD = "linen-coat-autumn-42"


def _web_signup(client, **overrides):
    data = {
        "email": "nina@example.com",
        "password1": STRONG_PASSWORD,
        "display_name": "Nina",
        "date_of_birth": "1994-05-31",
        **overrides,
    }
    return client.post("/accounts/signup/", data)


def _headless_signup(client, kind: str = "app", **overrides):
    data = {
        "email": "nina@example.com",
        "password": STRONG_PASSWORD,
        "display_name": "Nina",
        "date_of_birth": "1994-05-31",
        **overrides,
    }
    return client.post(f"/_allauth/{kind}/v1/auth/signup", json.dumps(data), content_type="application/json")


def _everything_stored() -> str:
    """Every row of every table, as text: what a search for a trace of someone has to look through."""
    return "\n".join(serializers.serialize("json", model._default_manager.all()) for model in apps.get_models())


def _years_ago(years: int, days: int = 0) -> str:
    today = timezone.localdate()
    return (date(today.year - years, today.month, min(today.day, 28)) - timedelta(days=days)).isoformat()


def _confirmation_link(mail) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", mail.body).group(1)


class TestWebSignup:
    def test_the_form_asks_for_email_password_name_and_date_of_birth(self, client):
        html = client.get("/accounts/signup/").content.decode()
        for field in ('name="email"', 'name="password1"', 'name="display_name"', 'name="date_of_birth"'):
            assert field in html

    @pytest.mark.promise("ACC-3")
    def test_signing_up_keeps_only_that_the_age_check_passed_never_the_date(self, client, mailoutbox):
        response = _web_signup(client, date_of_birth="1994-05-31")
        assert response.status_code == 302
        user = User.objects.get(email="nina@example.com")
        assert user.display_name == "Nina"
        assert user.age_check_passed_at is not None
        assert timezone.now() - user.age_check_passed_at < timedelta(minutes=1)
        assert "1994-05-31" not in _everything_stored() and "1994" not in json.dumps(
            serializers.serialize("python", [user]), default=str
        )

    def test_the_closet_stays_shut_until_the_email_is_verified(self, client, mailoutbox):
        _web_signup(client)
        assert len(mailoutbox) == 1
        client.post("/accounts/login/", {"login": "nina@example.com", "password": STRONG_PASSWORD})
        assert client.get("/closet/").status_code == 302

        link = _confirmation_link(mailoutbox[0])
        assert client.get(link).status_code == 200
        client.post(link)
        assert EmailAddress.objects.get(email="nina@example.com").verified
        assert client.get("/closet/").status_code == 200


class TestHeadlessSignup:
    @pytest.mark.parametrize("kind", ["app", "browser"])
    def test_headless_signup_creates_the_account_pending_verification(self, client, mailoutbox, kind):
        response = _headless_signup(client, kind)
        assert response.status_code == 401  # not signed in yet: verify_email is pending
        flows = {flow["id"]: flow for flow in response.json()["data"]["flows"]}
        assert flows["verify_email"]["is_pending"] is True
        user = User.objects.get(email="nina@example.com")
        assert user.display_name == "Nina" and user.age_check_passed_at is not None
        assert len(mailoutbox) == 1

    def test_an_app_verifies_the_email_and_then_uses_the_api_with_its_session_token(self, client, mailoutbox):
        token = _headless_signup(client, "app").json()["meta"]["session_token"]
        key = _confirmation_link(mailoutbox[0]).rstrip("/").rsplit("/", 1)[1]
        verified = client.post(
            "/_allauth/app/v1/auth/email/verify",
            json.dumps({"key": key}),
            content_type="application/json",
            headers={"X-Session-Token": token},
        )
        assert verified.status_code == 200, verified.content
        assert verified.json()["meta"]["is_authenticated"] is True
        fresh = verified.json()["meta"].get("session_token", token)

        from rest_framework.test import APIClient

        app = APIClient()
        profile = app.get("/api/v1/profile/", headers={"X-Session-Token": fresh})
        assert profile.status_code == 200
        assert profile.json()["email"] == "nina@example.com"


@pytest.mark.promise("ACC-3")
class TestAgeGate:
    @pytest.mark.parametrize("born", [_years_ago(10), _years_ago(17, days=-1)], ids=["ten", "one-day-short-of-17"])
    def test_under_the_minimum_age_the_web_signup_is_refused_kindly_and_leaves_no_trace(
        self, client, mailoutbox, caplog, born
    ):
        caplog.set_level(logging.DEBUG)
        response = _web_signup(client, email="young.person@example.com", date_of_birth=born)
        assert response.status_code == 200
        assert "for people aged 17 and over" in response.content.decode()
        assert not User.objects.exists()
        assert not EmailAddress.objects.exists()
        assert "young.person" not in _everything_stored()
        assert born not in _everything_stored()
        assert not any("young.person" in record.getMessage() for record in caplog.records)
        assert mailoutbox == []

    def test_exactly_17_today_may_join(self, client):
        _web_signup(client, date_of_birth=_years_ago(17))
        assert User.objects.filter(email="nina@example.com").exists()

    @pytest.mark.parametrize("kind", ["app", "browser"])
    def test_under_the_minimum_age_the_headless_signup_is_refused_and_leaves_no_trace(
        self, client, mailoutbox, caplog, kind
    ):
        caplog.set_level(logging.DEBUG)
        response = _headless_signup(client, kind, email="young.person@example.com", date_of_birth=_years_ago(12))
        assert response.status_code == 400
        (error,) = response.json()["errors"]
        assert error["param"] == "date_of_birth" and error["code"] == "under_minimum_age"
        assert "17 and over" in error["message"]
        assert "young.person" not in _everything_stored()
        assert not any("young.person" in record.getMessage() for record in caplog.records)
        assert mailoutbox == []

    def test_the_minimum_age_is_a_setting(self, client, settings):
        settings.MINIMUM_AGE = 16
        _web_signup(client, date_of_birth=_years_ago(16))
        assert User.objects.filter(email="nina@example.com").exists()


class TestBadInput:
    @pytest.mark.parametrize(
        ("date_of_birth", "message"),
        [
            ("31/05/1994", "as YYYY-MM-DD"),
            ("1994-02-30", "as YYYY-MM-DD"),
            ("", "Please enter your date of birth"),
            ((timezone.localdate() + timedelta(days=3)).isoformat(), "can&#x27;t be in the future"),
            ("1850-01-01", "check the year"),
        ],
        ids=["malformed", "impossible-day", "missing", "future", "implausible"],
    )
    def test_a_bad_date_of_birth_gets_a_clear_message_and_creates_nothing(self, client, date_of_birth, message):
        response = _web_signup(client, date_of_birth=date_of_birth)
        assert response.status_code == 200
        assert message in response.content.decode()
        assert not User.objects.exists()

    def test_a_weak_password_is_refused_with_the_reason(self, client):
        response = _web_signup(client, password1="password")
        assert response.status_code == 200
        assert "too common" in response.content.decode()
        assert not User.objects.exists()

    def test_a_malformed_date_on_the_api_names_the_field(self, client):
        response = _headless_signup(client, date_of_birth="05/31/1994")
        assert response.status_code == 400
        assert {e["param"] for e in response.json()["errors"]} == {"date_of_birth"}
        assert not User.objects.exists()

    def test_a_duplicate_email_changes_nothing_and_reveals_nothing(self, client, mailoutbox):
        """Privacy first: the page does not say whether an address has an account (no account enumeration);
        the real owner gets an e-mail instead. The existing account is untouched."""
        owner = UserFactory(email="nina@example.com", display_name="Original")
        response = _web_signup(client, email="Nina@Example.com", display_name="Impostor")
        assert response.status_code == 302
        assert User.objects.count() == 1
        owner.refresh_from_db()
        assert owner.display_name == "Original" and owner.check_password(PASSWORD)
        assert len(mailoutbox) == 1 and mailoutbox[0].to == ["nina@example.com"]
        assert "already" in mailoutbox[0].body.lower()

    def test_signups_are_rate_limited(self, client, settings):
        settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "2/h/ip"}
        for n in range(2):
            _web_signup(client, email=f"person{n}@example.com")
        response = _web_signup(client, email="person9@example.com")
        assert response.status_code == 429
        assert "Too many attempts" in response.content.decode()
        assert not User.objects.filter(email="person9@example.com").exists()
