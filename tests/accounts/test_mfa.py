"""Two-factor authentication (allauth.mfa: an authenticator app with TOTP, plus one-time recovery codes).

These tests drive the real allauth pages with Django's test client. TOTP codes are computed from the secret
the way an authenticator app does; the clock allauth checks codes against is pinned (``totp_clock``), so a
test never fails because a 30-second TOTP period ended between computing a code and posting it.
"""

from __future__ import annotations

import json
import time
from urllib.parse import unquote

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal import auth as totp_auth
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, TOTP, format_hotp_value, generate_totp_secret, hotp_value

from tests.accounts.factories import PASSWORD, UserFactory

LOGIN = "/accounts/login/"
LOGOUT = "/accounts/logout/"
REAUTHENTICATE = "/accounts/reauthenticate/"
MFA_AUTHENTICATE = "/accounts/2fa/authenticate/"
MFA_REAUTHENTICATE = "/accounts/2fa/reauthenticate/"
TOTP_ACTIVATE = "/accounts/2fa/totp/activate/"
RECOVERY_CODES = "/accounts/2fa/recovery-codes/"
CLOSET = "/closet/"


class TotpClock:
    """Stands in for the ``time`` module inside allauth's TOTP code: a fixed instant, moved on by hand."""

    def __init__(self) -> None:
        period = mfa_settings.TOTP_PERIOD
        # Five seconds into the current period, so the instant is a real "now" but never on a boundary.
        self.now = (int(time.time()) // period) * period + 5.0

    def time(self) -> float:
        return self.now

    def next_period(self) -> None:
        self.now += mfa_settings.TOTP_PERIOD

    def code(self, secret: str) -> str:
        """What the authenticator app shows right now."""
        return format_hotp_value(hotp_value(secret, int(self.now) // mfa_settings.TOTP_PERIOD))

    def wrong_code(self, secret: str) -> str:
        right = int(self.code(secret))
        return format_hotp_value((right + 1) % 10**mfa_settings.TOTP_DIGITS)


@pytest.fixture
def totp_clock(monkeypatch) -> TotpClock:
    clock = TotpClock()
    monkeypatch.setattr(totp_auth, "time", clock)
    return clock


@pytest.fixture
def person(db):
    return UserFactory(email="mfa@example.com", display_name="Mia")


@pytest.fixture
def enrolled(person):
    """A person who already set up an authenticator app (and so has recovery codes): their TOTP secret."""
    secret = generate_totp_secret()
    TOTP.activate(person, secret)
    RecoveryCodes.activate(person)
    return secret


def _sign_in_with_password(client, user):
    response = client.post(LOGIN, {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def _is_signed_in(client) -> bool:
    response = client.get(CLOSET)
    if response.status_code == 200:
        return True
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    return False


def _recovery_codes(user) -> list[str]:
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    return authenticator.wrap().get_unused_codes()


def _sign_out(client) -> None:
    client.post(LOGOUT)
    assert not _is_signed_in(client)


def _next_code(clock: TotpClock, secret: str) -> str:
    """A code from the next period: the one just used to enrol is spent for the rest of its period."""
    clock.next_period()
    return clock.code(secret)


# --- Enrolment --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_setting_up_an_authenticator_app_asks_for_the_password_first_then_a_code(client, person, totp_clock):
    _sign_in_with_password(client, person)

    # Adding a second factor is a sensitive action: allauth asks for the password again first.
    response = client.get(TOTP_ACTIVATE)
    assert response.status_code == 302
    assert response["Location"].startswith(REAUTHENTICATE)
    assert unquote(response["Location"]).endswith("next=" + TOTP_ACTIVATE)
    response = client.post(response["Location"], {"password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == TOTP_ACTIVATE

    response = client.get(TOTP_ACTIVATE)
    assert response.status_code == 200
    secret = response.context["form"].secret
    assert secret == client.session[SECRET_SESSION_KEY]
    assert secret in response.content.decode(), "the secret is shown for typing into an app by hand"
    assert "data:image/svg+xml;base64," in response.content.decode(), "the QR code is shown"

    # A wrong code enrols nothing; the same secret stays in use for the next try.
    response = client.post(TOTP_ACTIVATE, {"code": totp_clock.wrong_code(secret)})
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert not Authenticator.objects.filter(user=person).exists()
    assert client.session[SECRET_SESSION_KEY] == secret

    response = client.post(TOTP_ACTIVATE, {"code": totp_clock.code(secret)})
    assert response.status_code == 302
    # allauth 65 creates the recovery codes together with the first authenticator and shows them at once.
    assert response["Location"] == RECOVERY_CODES

    totp = Authenticator.objects.get(user=person, type=Authenticator.Type.TOTP)
    assert totp.wrap().validate_code(_next_code(totp_clock, secret))
    assert SECRET_SESSION_KEY not in client.session

    codes = _recovery_codes(person)
    assert len(codes) == mfa_settings.RECOVERY_CODE_COUNT == 10
    assert all(code.isdigit() and len(code) == mfa_settings.RECOVERY_CODE_DIGITS == 8 for code in codes)
    page = client.get(RECOVERY_CODES)
    assert page.status_code == 200
    assert all(code in page.content.decode() for code in codes)


@pytest.mark.django_db
def test_an_unverified_address_cannot_set_up_an_authenticator_app(client, person):
    # Otherwise someone could sign up with another person's address, add 2FA and lock the real owner out.
    EmailAddress.objects.filter(user=person).update(verified=False)
    client.force_login(person)
    response = client.get(TOTP_ACTIVATE)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/"
    assert not Authenticator.objects.filter(user=person).exists()


# --- Signing in -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_signing_in_needs_the_password_and_then_a_code_from_the_app(client, person, enrolled, totp_clock):
    response = _sign_in_with_password(client, person)
    assert response["Location"] == MFA_AUTHENTICATE
    assert not _is_signed_in(client), "a correct password alone does not sign in"

    page = client.get(MFA_AUTHENTICATE)
    assert page.status_code == 200
    assert 'autocomplete="one-time-code"' in page.content.decode()

    response = client.post(MFA_AUTHENTICATE, {"code": totp_clock.wrong_code(enrolled)})
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert not _is_signed_in(client)

    response = client.post(MFA_AUTHENTICATE, {"code": totp_clock.code(enrolled)})
    assert response.status_code == 302
    assert response["Location"] == CLOSET
    assert _is_signed_in(client)


@pytest.mark.django_db
def test_a_totp_code_signs_in_only_once(client, person, enrolled, totp_clock):
    code = totp_clock.code(enrolled)
    _sign_in_with_password(client, person)
    client.post(MFA_AUTHENTICATE, {"code": code})
    assert _is_signed_in(client)
    _sign_out(client)

    # Someone who saw the code over the person's shoulder cannot replay it within the same period.
    _sign_in_with_password(client, person)
    response = client.post(MFA_AUTHENTICATE, {"code": code})
    assert response.status_code == 200
    assert not _is_signed_in(client)


@pytest.mark.django_db
def test_the_code_page_cannot_be_used_without_the_password_first(client, person, enrolled, totp_clock):
    response = client.post(MFA_AUTHENTICATE, {"code": totp_clock.code(enrolled)})
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert not _is_signed_in(client)


@pytest.mark.django_db
def test_a_recovery_code_signs_in_once_and_not_twice(client, person, enrolled):
    code = _recovery_codes(person)[0]

    response = _sign_in_with_password(client, person)
    assert response["Location"] == MFA_AUTHENTICATE
    response = client.post(MFA_AUTHENTICATE, {"code": code})
    assert response.status_code == 302
    assert response["Location"] == CLOSET
    assert _is_signed_in(client)
    assert code not in _recovery_codes(person)
    assert len(_recovery_codes(person)) == mfa_settings.RECOVERY_CODE_COUNT - 1

    _sign_out(client)
    _sign_in_with_password(client, person)
    response = client.post(MFA_AUTHENTICATE, {"code": code})
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert not _is_signed_in(client)

    # Another, unused recovery code still works.
    client.post(MFA_AUTHENTICATE, {"code": _recovery_codes(person)[0]})
    assert _is_signed_in(client)


# --- Reauthentication for sensitive actions ---------------------------------------------------------------


@pytest.mark.django_db
def test_a_sensitive_action_offers_reauthentication_with_the_app(client, person, enrolled, totp_clock):
    """allauth 65.21: a person with a password is sent to the password page first ("Confirm access"), which
    offers "Use authenticator app or code" (/accounts/2fa/reauthenticate/) as the alternative; a code from
    the app then unlocks the action. allauth does not redirect straight to the code page."""
    _sign_in_with_password(client, person)
    client.post(MFA_AUTHENTICATE, {"code": totp_clock.code(enrolled)})
    assert _is_signed_in(client)
    totp_clock.next_period()  # the code used to sign in is spent for the rest of its period

    # Signing in moments ago is not enough to see the recovery codes: the person confirms it is them.
    response = client.get(RECOVERY_CODES)
    assert response.status_code == 302
    assert response["Location"].startswith(REAUTHENTICATE)
    assert unquote(response["Location"]).endswith("next=" + RECOVERY_CODES)
    page = client.get(response["Location"])
    assert page.status_code == 200
    [alternative] = page.context["reauthentication_alternatives"]
    assert alternative["description"] == "Use authenticator app or code"
    code_page = alternative["url"]
    assert code_page.startswith(MFA_REAUTHENTICATE)
    assert unquote(code_page).endswith("next=" + RECOVERY_CODES), "the code page returns to the action"
    assert f'href="{code_page}"' in page.content.decode()

    page = client.get(code_page)
    assert page.status_code == 200
    assert 'name="code"' in page.content.decode()

    response = client.post(code_page, {"code": totp_clock.wrong_code(enrolled)})
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert client.get(RECOVERY_CODES).status_code == 302, "a wrong code does not unlock the action"

    response = client.post(code_page, {"code": totp_clock.code(enrolled)})
    assert response.status_code == 302
    assert response["Location"] == RECOVERY_CODES
    page = client.get(RECOVERY_CODES)
    assert page.status_code == 200
    assert _recovery_codes(person)[0] in page.content.decode()


@pytest.mark.django_db
def test_reauthenticating_with_the_password_also_unlocks_a_sensitive_action(client, person, enrolled, totp_clock):
    """allauth's default: once the session passed 2FA at sign-in, the password is enough to reauthenticate."""
    _sign_in_with_password(client, person)
    client.post(MFA_AUTHENTICATE, {"code": totp_clock.code(enrolled)})

    response = client.post(f"{REAUTHENTICATE}?next={RECOVERY_CODES}", {"password": "not the password"})
    assert response.status_code == 200
    assert client.get(RECOVERY_CODES).status_code == 302

    response = client.post(f"{REAUTHENTICATE}?next={RECOVERY_CODES}", {"password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == RECOVERY_CODES
    assert client.get(RECOVERY_CODES).status_code == 200


@pytest.mark.promise("SEC-2")
def test_two_factor_secrets_are_stored_encrypted(person, enrolled):
    stored = json.dumps([a.data for a in Authenticator.objects.filter(user=person)])
    assert enrolled not in stored, "the TOTP secret is readable in the database"
    totp = Authenticator.objects.get(user=person, type=Authenticator.Type.TOTP)
    assert totp.wrap().instance.data["secret"] != enrolled
    from allauth.mfa.adapter import get_adapter

    assert get_adapter().decrypt(totp.data["secret"]) == enrolled
