"""The product as an OpenID Connect provider for stores: consent, pairwise pseudonyms, revocation (issue 8)."""

from __future__ import annotations

import jwt
import pytest

from privacy.models import Choice, ConsentEvent
from stores.models import StoreConnection
from stores.services.connections import store_connection_revoke
from tests.stores.conftest import connect


def _claims(id_token: str) -> dict:
    return jwt.decode(id_token, options={"verify_signature": False})


@pytest.mark.promise("STO-2")
def test_two_stores_see_different_pseudonyms_never_the_user_id(client, user, shop, other_shop):
    client.force_login(user)
    first = connect(client, shop, scopes="openid profile")
    second = connect(client, other_shop, scopes="openid profile")
    sub_a, sub_b = _claims(first["id_token"])["sub"], _claims(second["id_token"])["sub"]
    assert sub_a != sub_b
    for token in (first, second):
        claims = _claims(token["id_token"])
        assert str(user.pk) not in [str(value) for value in claims.values()]
        assert claims["sub"] not in (str(user.pk), user.email)
    userinfo = client.get("/identity/o/api/userinfo", HTTP_AUTHORIZATION=f"Bearer {first['access_token']}")
    assert userinfo.status_code == 200
    assert userinfo.json() == {"sub": sub_a, "name": "Alice"}


@pytest.mark.promise("STO-1")
def test_store_receives_only_the_fields_ticked(client, user, shop):
    client.force_login(user)
    token = connect(client, shop, scopes="openid profile email sizes", grant=["openid", "email"])
    info = client.get("/identity/o/api/userinfo", HTTP_AUTHORIZATION=f"Bearer {token['access_token']}").json()
    assert set(info) == {"sub", "email", "email_verified"}
    connection = StoreConnection.objects.get(user=user)
    assert connection.fields == ["openid", "email"]
    event = ConsentEvent.objects.filter(purpose=shop.store.consent_purpose).latest("created_at")
    assert event.choice == Choice.GRANTED


@pytest.mark.promise("STO-4")
def test_revocation_refuses_the_token_and_reconnection_gets_a_new_pseudonym(
    client, user, shop, django_capture_on_commit_callbacks
):
    client.force_login(user)
    token = connect(client, shop, scopes="openid profile")
    sub = _claims(token["id_token"])["sub"]
    connection = StoreConnection.objects.get(user=user)
    with django_capture_on_commit_callbacks(execute=False):
        assert store_connection_revoke(connection=connection)
    refused = client.get("/identity/o/api/userinfo", HTTP_AUTHORIZATION=f"Bearer {token['access_token']}")
    assert refused.status_code == 401
    again = connect(client, shop, scopes="openid profile")
    assert _claims(again["id_token"])["sub"] != sub


@pytest.mark.promise("SEC-2")
def test_store_secrets_and_tokens_are_stored_only_as_hashes(client, user, shop):
    from allauth.idp.oidc.models import Token
    from django.db import connection as db

    client.force_login(user)
    token = connect(client, shop, scopes="openid profile")
    stored = shop.store.client
    stored.refresh_from_db()
    assert shop.client_secret not in stored.secret and stored.check_secret(shop.client_secret)
    # Nothing in any table holds the client secret, the webhook key, or the tokens the store was given.
    secrets_given = [shop.client_secret, shop.webhook_key, token["access_token"], token["refresh_token"]]
    with db.cursor() as cursor:
        for table in db.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (table names come from the schema)
            for row in cursor.fetchall():
                text = " ".join(str(value) for value in row)
                assert not any(secret in text for secret in secrets_given), table
    assert Token.objects.filter(client=stored, user=user).count() == 2  # an access and a refresh token, hashed


def _refresh(client, registered, refresh_token: str):
    return client.post(
        "/identity/o/api/token",
        {
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": registered.client_id,
            "client_secret": registered.client_secret,
        },
    )


def _userinfo(client, token: dict):
    return client.get("/identity/o/api/userinfo", HTTP_AUTHORIZATION=f"Bearer {token['access_token']}")


@pytest.mark.promise("STO-3")
def test_agreeing_again_with_fewer_fields_ends_the_tokens_that_carried_more(client, user, shop):
    client.force_login(user)
    first = connect(client, shop, scopes="openid profile sizes")
    assert "sizes" in _userinfo(client, first).json()

    second = connect(client, shop, scopes="openid profile sizes", grant=["openid", "profile"])

    assert _userinfo(client, first).status_code == 401
    assert _refresh(client, shop, first["refresh_token"]).status_code == 400
    assert set(_userinfo(client, second).json()) == {"sub", "name"}
    refreshed = _refresh(client, shop, second["refresh_token"])
    assert refreshed.status_code == 200 and "sizes" not in _claims(refreshed.json()["id_token"])


@pytest.mark.promise("STO-3")
def test_claims_follow_the_connection_not_the_scopes_a_token_was_issued_with(client, user, shop):
    # Whatever a token says, the person's connection now decides: e.g. a code handed out before they agreed again
    # with fewer fields, exchanged afterwards.
    client.force_login(user)
    token = connect(client, shop, scopes="openid profile sizes")
    StoreConnection.objects.filter(user=user).update(fields=["openid", "profile"])

    assert set(_userinfo(client, token).json()) == {"sub", "name"}
    refreshed = _refresh(client, shop, token["refresh_token"])
    assert refreshed.status_code == 200
    claims = _claims(refreshed.json()["id_token"])
    assert "sizes" not in claims and claims["name"] == "Alice"


def test_an_inactive_stores_tokens_get_nothing(client, user, shop):
    client.force_login(user)
    token = connect(client, shop, scopes="openid profile sizes")
    shop.store.is_active = False
    shop.store.save(update_fields=["is_active"])

    info = _userinfo(client, token)
    assert info.status_code == 400 and info.json()["error"] == "access_denied"
    refreshed = _refresh(client, shop, token["refresh_token"])
    assert refreshed.status_code == 400 and "id_token" not in refreshed.json()
    # Deactivating is not revoking: active again, the store's tokens work again.
    shop.store.is_active = True
    shop.store.save(update_fields=["is_active"])
    assert _userinfo(client, token).status_code == 200


def test_introspection_says_an_inactive_stores_token_is_not_active(client, user, shop):
    from allauth.idp.oidc.models import Token

    from stores.oidc import StoreOIDCAdapter

    client.force_login(user)
    connect(client, shop, scopes="openid profile")
    token = Token.objects.filter(client=shop.store.client, user=user, type=Token.Type.ACCESS_TOKEN).get()
    adapter = StoreOIDCAdapter()
    assert adapter.is_introspection_allowed(token, caller_client=shop.store.client)
    shop.store.is_active = False
    shop.store.save(update_fields=["is_active"])
    token = Token.objects.select_related("client__store").get(pk=token.pk)
    assert not adapter.is_introspection_allowed(token, caller_client=token.client)
