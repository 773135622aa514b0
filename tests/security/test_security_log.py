"""The security log: sign-ins, failures, new devices and sensitive changes, recorded through the real pages and
shown to the person in Settings → Security log."""

from __future__ import annotations

import re
import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal import auth as totp_auth
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.test import Client

from security.models import EventKind, SecurityEvent
from security.services import failed_sign_in_email_hash, security_event_record
from tests.accounts.factories import PASSWORD
from tests.security.factories import SecurityEventFactory

pytestmark = [pytest.mark.django_db, pytest.mark.promise("SEC-1")]

LOGIN = "/accounts/login/"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 Version/18.1 Mobile Safari/604.1"


def _kinds(user) -> list[str]:
    return list(SecurityEvent.objects.filter(user=user).order_by("id").values_list("kind", flat=True))


def _sign_in(client, user, password: str = PASSWORD):
    return client.post(LOGIN, {"login": user.email, "password": password})


def test_a_password_sign_in_is_logged_with_a_shortened_ip_and_the_device_name(user):
    client = Client(HTTP_USER_AGENT=FIREFOX, REMOTE_ADDR="203.0.113.77")
    assert _sign_in(client, user).status_code == 302

    event = SecurityEvent.objects.get(user=user, kind=EventKind.SIGN_IN)
    assert event.ip_truncated == "203.0.113.0/24"
    assert event.user_agent == "Firefox on Linux"
    assert "Mozilla" not in event.user_agent, "the full user agent is not kept"


def test_the_first_device_and_every_new_one_are_logged_but_a_known_device_is_not(user):
    laptop = Client(HTTP_USER_AGENT=FIREFOX)
    _sign_in(laptop, user)
    laptop.post("/accounts/logout/")
    _sign_in(laptop, user)  # the same browser again: its device cookie is known
    assert _kinds(user).count(EventKind.NEW_DEVICE) == 1

    _sign_in(Client(HTTP_USER_AGENT=IPHONE), user)
    new_devices = SecurityEvent.objects.filter(user=user, kind=EventKind.NEW_DEVICE).order_by("id")
    assert [e.detail for e in new_devices] == ["Firefox on Linux", "Safari on iPhone"]


def test_a_wrong_password_is_logged_in_the_accounts_own_log(client, user):
    response = _sign_in(client, user, password="not the password")
    assert response.status_code == 200
    assert _kinds(user) == [EventKind.SIGN_IN_FAILED]


def test_a_failed_sign_in_for_an_unknown_address_keeps_no_clear_address(client, user):
    typed = "Stranger.Typo@Example.org"
    client.post(LOGIN, {"login": typed, "password": "whatever it was"})

    event = SecurityEvent.objects.get(kind=EventKind.SIGN_IN_FAILED)
    assert event.user is None
    assert event.email_hash == failed_sign_in_email_hash("stranger.typo@example.org")
    stored = " ".join(str(v) for v in SecurityEvent.objects.filter(pk=event.pk).values().get().values())
    assert "stranger" not in stored.lower() and "example.org" not in stored.lower()
    assert "whatever" not in stored


def test_signing_out_is_logged(client, user):
    _sign_in(client, user)
    client.post("/accounts/logout/")
    assert _kinds(user)[-1] == EventKind.SIGN_OUT


def test_changing_the_password_is_logged(client, user):
    _sign_in(client, user)
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": "a-new-linen-coat-42", "password2": "a-new-linen-coat-42"},
    )
    assert response.status_code == 302
    assert EventKind.PASSWORD_CHANGED in _kinds(user)


def test_resetting_a_forgotten_password_is_logged(client, user, mailoutbox):
    client.post("/accounts/password/reset/", {"email": user.email})
    (mail,) = mailoutbox
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/[^\s]+/)", mail.body).group(1)
    form_url = client.get(link)["Location"]  # allauth moves the key into the session, then shows the form
    response = client.post(form_url, {"password1": "a-new-linen-coat-42", "password2": "a-new-linen-coat-42"})
    assert response.status_code == 302
    assert EventKind.PASSWORD_RESET in _kinds(user)


def test_adding_and_confirming_a_new_address_is_logged_without_the_address(client, user, mailoutbox):
    _sign_in(client, user)
    client.post("/accounts/email/", {"action_add": "", "email": "alice.new@example.com"})
    (mail,) = mailoutbox
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", mail.body).group(1)
    client.post(link)

    kinds = _kinds(user)
    assert EventKind.EMAIL_ADDED in kinds and EventKind.EMAIL_CHANGED in kinds
    details = SecurityEvent.objects.filter(user=user).values_list("detail", flat=True)
    assert not any("alice" in d for d in details)


class _Clock:
    def __init__(self) -> None:
        self.now = (int(time.time()) // mfa_settings.TOTP_PERIOD) * mfa_settings.TOTP_PERIOD + 5.0

    def time(self) -> float:
        return self.now

    def code(self, secret: str) -> str:
        return format_hotp_value(hotp_value(secret, int(self.now) // mfa_settings.TOTP_PERIOD))


# allauth announces a new authenticator once the transaction commits, inside the request: a real commit is needed.
@pytest.mark.django_db(transaction=True)
def test_turning_two_factor_on_and_off_and_a_wrong_code_are_logged(client, user, monkeypatch):
    clock = _Clock()
    monkeypatch.setattr(totp_auth, "time", clock)
    _sign_in(client, user)
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    secret = client.get("/accounts/2fa/totp/activate/").context["form"].secret
    assert client.post("/accounts/2fa/totp/activate/", {"code": clock.code(secret)}).status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert EventKind.MFA_ENABLED in _kinds(user)
    assert EventKind.RECOVERY_CODES_GENERATED in _kinds(user)

    client.post("/accounts/logout/")
    _sign_in(client, user)
    client.post("/accounts/2fa/authenticate/", {"code": "000000" if clock.code(secret) != "000000" else "111111"})
    assert _kinds(user)[-1] == EventKind.MFA_FAILED
    clock.now += mfa_settings.TOTP_PERIOD
    assert client.post("/accounts/2fa/authenticate/", {"code": clock.code(secret)}).status_code == 302

    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    response = client.post("/accounts/2fa/totp/deactivate/")
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=user).exists()
    assert _kinds(user).count(EventKind.MFA_DISABLED) == 1


def test_other_code_records_erasure_requests_through_the_service(user):
    event = security_event_record(kind="account_erasure_requested", user=user, detail="from Settings")
    assert event.get_kind_display() == "Account closure requested"
    with pytest.raises(ValueError, match="Unknown security event kind"):
        security_event_record(kind="account_erasure_requestd", user=user)


def test_the_settings_page_shows_the_persons_own_log_only(client, user, other_user):
    SecurityEventFactory(user=user, kind=EventKind.PASSWORD_CHANGED, ip_truncated="198.51.100.0/24")
    SecurityEventFactory(user=other_user, kind=EventKind.EMAIL_CHANGED, ip_truncated="192.0.2.0/24")
    client.force_login(user)

    response = client.get("/settings/security/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Password changed" in page and "198.51.100.0/24" in page
    assert "E-mail address changed" not in page and "192.0.2.0/24" not in page
    assert 'aria-current="page">Security log' in page


def test_the_settings_page_needs_a_signed_in_person(client):
    response = client.get("/settings/security/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
