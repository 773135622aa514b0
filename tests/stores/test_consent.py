"""The consent screen every store sends people to (STO-1) and the provider's discovery document."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from privacy.models import Channel, Choice, ConsentEvent
from stores.models import StoreConnection
from tests.accounts.factories import EmailAddressFactory
from tests.stores.conftest import REDIRECT_URI, connect, pkce_pair


def _authorize_params(registered, scopes="openid profile email sizes", **extra):
    _verifier, challenge = pkce_pair()
    return {
        "response_type": "code",
        "client_id": registered.client_id,
        "redirect_uri": REDIRECT_URI,
        "scope": scopes,
        "state": "xyz",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        **extra,
    }


@pytest.mark.promise("STO-1")
def test_consent_screen_names_the_store_links_its_policy_and_lists_exactly_the_fields(client, user, shop):
    client.force_login(user)
    page = client.get("/identity/o/authorize", _authorize_params(shop, scopes="openid email sizes"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Linen House" in html
    assert shop.store.privacy_policy_url in html
    for words in ("A pseudonym", "Your e-mail address", "Your sizes"):
        assert words in html
    # Fields the store did not ask for this time are not listed, though it may ask for them.
    assert "Your display name" not in html
    assert "Your style preferences" not in html
    assert not StoreConnection.objects.exists()  # nothing is shared before the person agrees


@pytest.mark.promise("STO-1")
def test_no_store_skips_the_consent_screen(client, user, shop):
    shop.store.client.skip_consent = True
    shop.store.client.save()
    client.force_login(user)
    page = client.get("/identity/o/authorize", _authorize_params(shop))
    assert page.status_code == 200
    assert "Agree and connect" in page.content.decode()
    assert not StoreConnection.objects.exists()


@pytest.mark.promise("STO-1")
def test_silent_request_without_consent_gets_consent_required(client, user, shop):
    client.force_login(user)
    answer = client.get("/identity/o/authorize", _authorize_params(shop, prompt="none"))
    assert answer.status_code == 302
    query = parse_qs(urlparse(answer["Location"]).query)
    assert query["error"] == ["consent_required"] and query["state"] == ["xyz"]
    assert "code" not in query


@pytest.mark.promise("STO-1")
def test_silent_request_cannot_widen_the_fields_agreed(client, user, shop):
    client.force_login(user)
    connect(client, shop, scopes="openid profile")
    wider = client.get("/identity/o/authorize", _authorize_params(shop, scopes="openid profile email", prompt="none"))
    assert parse_qs(urlparse(wider["Location"]).query)["error"] == ["consent_required"]
    same = client.get("/identity/o/authorize", _authorize_params(shop, scopes="openid profile", prompt="none"))
    assert "code" in parse_qs(urlparse(same["Location"]).query)


@pytest.mark.promise("CON-2")
def test_declining_records_a_declined_consent_and_tells_the_store(client, user, shop):
    client.force_login(user)
    query = connect(client, shop, action="deny")
    assert query["error"] == ["access_denied"]
    event = ConsentEvent.objects.get(purpose=shop.store.consent_purpose)
    assert event.choice == Choice.DECLINED
    assert not StoreConnection.objects.exists()


def test_declining_a_new_request_keeps_an_existing_connection_and_records_nothing(client, user, shop):
    client.force_login(user)
    connect(client, shop, scopes="openid profile")
    granted = ConsentEvent.objects.filter(purpose=shop.store.consent_purpose).get()
    assert granted.channel == Channel.WEB

    query = connect(client, shop, scopes="openid profile email", action="deny")

    assert query["error"] == ["access_denied"]
    assert list(ConsentEvent.objects.filter(purpose=shop.store.consent_purpose)) == [granted]
    assert StoreConnection.objects.get(revoked_at__isnull=True).fields == ["openid", "profile"]


@pytest.mark.promise("STO-1")
def test_the_screen_offers_no_choice_of_address_the_store_would_not_get(client, user, shop):
    # allauth lets a person with several verified addresses pick one; a store always receives the primary one, so
    # offering a choice would mislead.
    EmailAddressFactory(user=user, verified=True)
    client.force_login(user)
    page = client.get("/identity/o/authorize", _authorize_params(shop, scopes="openid email"))
    assert page.status_code == 200
    assert "email" not in page.context["form"].fields
    assert 'name="email"' not in page.content.decode()
    token = connect(client, shop, scopes="openid email")
    info = client.get("/identity/o/api/userinfo", HTTP_AUTHORIZATION=f"Bearer {token['access_token']}").json()
    assert info["email"] == user.email


def test_optional_fields_unticked_are_not_granted_but_the_pseudonym_always_is(client, user, shop):
    client.force_login(user)
    token = connect(client, shop, scopes="openid profile email", grant=[])
    assert set(token["scope"].split()) == {"openid"}
    assert StoreConnection.objects.get().fields == ["openid"]


def test_an_inactive_store_cannot_connect_anyone(client, user, shop):
    shop.store.is_active = False
    shop.store.save()
    client.force_login(user)
    page = client.get("/identity/o/authorize", _authorize_params(shop))
    assert page.status_code == 400
    assert "cannot connect" in page.content.decode()


def test_signed_out_people_sign_in_first(client, shop):
    answer = client.get("/identity/o/authorize", _authorize_params(shop))
    assert answer.status_code == 302 and answer["Location"].startswith("/accounts/login/")


def test_discovery_document_says_pairwise_and_lists_the_store_fields(client, db):
    data = client.get("/.well-known/openid-configuration").json()
    assert data["subject_types_supported"] == ["pairwise"]
    assert set(data["scopes_supported"]) == {"openid", "profile", "email", "sizes", "style"}
    assert "device_authorization_endpoint" not in data
    assert data["code_challenge_methods_supported"] == ["S256"]
