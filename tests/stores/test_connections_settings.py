"""Settings → Connected stores and ``/api/v1/store-connections/``: what each store receives, since when, what it
sent, the "straight to my closet" switch, and Revoke, which ends the store's access at once (STO-4)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from privacy.models import Choice, ConsentEvent
from stores.models import StoreConnection, StoreNotice
from tests.stores.api_helpers import as_store, purchase_data, store_token
from tests.stores.conftest import connect
from tests.stores.factories import StoreConnectionFactory, StorePurchaseFactory

NOT_FOUND = {"code": "not_found", "detail": "Not found."}


def _userinfo(client, token: dict):
    return client.get("/identity/o/api/userinfo", HTTP_AUTHORIZATION=f"Bearer {token['access_token']}")


@pytest.fixture
def linked(client, user, shop):
    """Alice connected Linen House (pseudonym, name, e-mail); returns (the token response, her connection)."""
    shop.store.logo_url = "https://linenhouse.example/logo.png"
    shop.store.save()
    client.force_login(user)
    token = connect(client, shop, scopes="openid profile email")
    return token, StoreConnection.objects.get(user=user, store=shop.store)


def test_settings_lists_each_store_with_what_it_receives(client, user, shop, linked):
    _, connection = linked
    StorePurchaseFactory(owner=user, store=shop.store, connection=connection)
    StorePurchaseFactory(owner=user, store=shop.store, connection=connection)
    page = client.get("/settings/stores/")
    assert page.status_code == 200
    html = page.content.decode()
    for expected in (
        "Linen House",
        "https://linenhouse.example/logo.png",
        "https://linenhouse.example/privacy",
        "A pseudonym",
        "Your display name",
        "Your e-mail address",
        "2 purchases sent",
        f"/settings/stores/{connection.pk}/revoke/",
        f"/settings/stores/{connection.pk}/auto-accept/",
        "Send them straight to my closet",
    ):
        assert expected in html, expected
    assert "Your sizes" not in html  # not granted, not listed


def test_the_straight_to_my_closet_switch(client, user, shop, linked):
    _, connection = linked
    response = client.post(f"/settings/stores/{connection.pk}/auto-accept/", {"auto_accept_purchases": "on"})
    assert response.status_code == 302
    connection.refresh_from_db()
    assert connection.auto_accept_purchases is True
    assert "Let me review them first" in client.get("/settings/stores/").content.decode()
    client.post(f"/settings/stores/{connection.pk}/auto-accept/", {})
    connection.refresh_from_db()
    assert connection.auto_accept_purchases is False


@pytest.mark.promise("STO-4")
def test_revoking_in_settings_asks_first_then_ends_the_stores_access_at_once(
    client, user, shop, linked, django_capture_on_commit_callbacks
):
    token, connection = linked
    store_client = as_store(store_token(shop))
    assert _userinfo(client, token).status_code == 200

    confirm = client.get(f"/settings/stores/{connection.pk}/revoke/")
    assert confirm.status_code == 200 and b"Revoke Linen House?" in confirm.content
    connection.refresh_from_db()
    assert connection.revoked_at is None  # asking changes nothing

    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(f"/settings/stores/{connection.pk}/revoke/")
    assert response.status_code == 302 and response["Location"] == "/settings/stores/"
    connection.refresh_from_db()
    assert connection.revoked_at is not None
    assert _userinfo(client, token).status_code == 401
    assert store_client.get(f"/api/v1/store/users/{connection.sub}/").status_code == 404
    assert (
        store_client.post(
            f"/api/v1/store/users/{connection.sub}/purchases/", purchase_data(), format="json"
        ).status_code
        == 404
    )
    assert ConsentEvent.objects.filter(purpose=shop.store.consent_purpose).latest("created_at").choice == (
        Choice.WITHDRAWN
    )
    assert StoreNotice.objects.filter(store=shop.store, sub=connection.sub).exists()

    page = client.get("/settings/stores/").content.decode()
    assert "Revoked connections" in page and "You have not connected any store" in page


@pytest.mark.promise("STO-4")
def test_revoking_over_the_api_ends_the_stores_access_at_once(client, user, linked, django_capture_on_commit_callbacks):
    token, connection = linked
    api = APIClient()
    api.force_authenticate(user)
    with django_capture_on_commit_callbacks(execute=False):
        response = api.post(f"/api/v1/store-connections/{connection.pk}/revoke/")
    assert response.status_code == 200
    assert response.json()["is_active"] is False and response.json()["revoked_at"]
    assert _userinfo(client, token).status_code == 401
    with django_capture_on_commit_callbacks(execute=False):
        assert api.post(f"/api/v1/store-connections/{connection.pk}/revoke/").status_code == 200  # idempotent
    assert StoreNotice.objects.filter(sub=connection.sub).count() == 1


def test_the_api_lists_retrieves_and_switches_auto_accept(user, api_client, shop, linked):
    _, connection = linked
    StorePurchaseFactory(owner=user, store=shop.store, connection=connection)
    listed = api_client.get("/api/v1/store-connections/").json()
    assert listed["count"] == 1
    row = listed["results"][0]
    assert row["id"] == str(connection.pk) and row["store"]["name"] == "Linen House"
    assert [f["scope"] for f in row["shared_fields"]] == ["openid", "profile", "email"]
    assert row["shared_fields"][1]["label"] == "Your display name"
    assert row["purchase_count"] == 1 and row["is_active"] is True and row["auto_accept_purchases"] is False
    assert "user" not in row

    url = f"/api/v1/store-connections/{connection.pk}/"
    assert api_client.get(url).json() == row
    changed = api_client.patch(url, {"auto_accept_purchases": True}, format="json")
    assert changed.status_code == 200 and changed.json()["auto_accept_purchases"] is True
    connection.refresh_from_db()
    assert connection.auto_accept_purchases is True
    # Only the switch can change: the fields and the store are read-only here.
    api_client.patch(url, {"shared_fields": [], "pseudonym": "x"}, format="json")
    connection.refresh_from_db()
    assert connection.fields == ["openid", "profile", "email"] and connection.sub != "x"
    assert api_client.put(url, {}, format="json").status_code == 405


def test_a_revoked_connections_switch_cannot_be_changed(user, api_client, linked, django_capture_on_commit_callbacks):
    _, connection = linked
    with django_capture_on_commit_callbacks(execute=False):
        api_client.post(f"/api/v1/store-connections/{connection.pk}/revoke/")
    response = api_client.patch(
        f"/api/v1/store-connections/{connection.pk}/", {"auto_accept_purchases": True}, format="json"
    )
    assert response.status_code == 409 and response.json()["code"] == "connection_revoked"


def test_another_persons_connection_is_not_found_on_the_api_and_in_html(client, user, other_user):
    connection = StoreConnectionFactory(user=user)
    bob = APIClient()
    bob.force_authenticate(other_user)
    url = f"/api/v1/store-connections/{connection.pk}/"
    assert bob.get("/api/v1/store-connections/").json()["count"] == 0
    assert bob.get(url).json() == NOT_FOUND
    assert bob.patch(url, {"auto_accept_purchases": True}, format="json").json() == NOT_FOUND
    assert bob.post(f"{url}revoke/").json() == NOT_FOUND

    client.force_login(other_user)
    assert client.get(f"/settings/stores/{connection.pk}/revoke/").status_code == 404
    assert client.post(f"/settings/stores/{connection.pk}/revoke/").status_code == 404
    assert (
        client.post(f"/settings/stores/{connection.pk}/auto-accept/", {"auto_accept_purchases": "on"}).status_code
        == 404
    )
    connection.refresh_from_db()
    assert connection.revoked_at is None and connection.auto_accept_purchases is False
    assert connection.store.name not in client.get("/settings/stores/").content.decode()


def test_settings_needs_a_signed_in_person(client):
    response = client.get("/settings/stores/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
