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
