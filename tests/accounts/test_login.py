"""Signing in: with a password, or with a one-time code sent by e-mail (ACC-2); Argon2 hashes; rate limits."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

from tests.accounts.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_password_signs_in_and_is_stored_with_argon2(client, user):
    assert user.password.startswith("argon2$")
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/closet/").status_code == 200


def test_a_wrong_password_does_not_sign_in(client, user):
    response = client.post("/accounts/login/", {"login": user.email, "password": "not the password"})
    assert response.status_code == 200
    assert "not correct" in response.content.decode()
    assert client.get("/closet/").status_code == 302


@pytest.mark.promise("ACC-2")
def test_a_one_time_code_sent_by_email_signs_in(client, user, mailoutbox):
    response = client.post("/accounts/login/code/", {"email": user.email})
    assert response.status_code == 302
    (mail,) = mailoutbox
    assert mail.to == [user.email]
    code = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", mail.body, re.M).group(1)

    assert client.post("/accounts/login/code/confirm/", {"code": "WRONG1"}).status_code == 200
    assert client.get("/closet/").status_code == 302
    response = client.post("/accounts/login/code/confirm/", {"code": code})
    assert response.status_code == 302
    assert client.get("/closet/").status_code == 200


@pytest.mark.promise("ACC-2")
def test_code_requests_are_rate_limited_per_address(client, user, settings, mailoutbox):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "request_login_code": "10/m/ip,2/5m/key"}
    for _ in range(2):
        client.post("/accounts/login/code/", {"email": user.email})
        client.logout()
    response = client.post("/accounts/login/code/", {"email": user.email})
    assert "Too many" in response.content.decode()
    assert len(mailoutbox) == 2, "no third code was sent"


def test_failed_sign_ins_are_rate_limited(client, user, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "10/m/ip,3/5m/key"}
    for _ in range(3):
        client.post("/accounts/login/", {"login": user.email, "password": "guess"})
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert client.get("/closet/").status_code == 302, "the account must stay locked for a while"
    assert response.status_code in (200, 429)


def test_email_is_the_login_whatever_its_case(client):
    get_user_model().objects.create_user(email="Mixed.Case@Example.com", password="linen-coat-autumn-42")
    user = get_user_model().objects.get()
    assert user.email == "mixed.case@example.com"


def test_a_new_email_address_replaces_the_old_one_only_once_verified(client, user, mailoutbox):
    from allauth.account.models import EmailAddress

    client.force_login(user)
    response = client.post("/accounts/email/", {"action_add": "", "email": "alice.new@example.com"})
    assert response.status_code == 302
    (mail,) = mailoutbox
    assert mail.to == ["alice.new@example.com"]
    user.refresh_from_db()
    assert user.email == "alice@example.com", "the address changed before it was verified"

    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", mail.body).group(1)
    client.post(link)
    user.refresh_from_db()
    assert user.email == "alice.new@example.com"
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "verified")) == [
        ("alice.new@example.com", True)
    ]
