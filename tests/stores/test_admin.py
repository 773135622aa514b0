"""The staff side of connected stores: registering a store shows its secrets once, rotating them, the read-only
OIDC client, connections and purchases, and the deletion notices staff watch (RGT-7)."""

from __future__ import annotations

import html
import re

import pytest
from allauth.idp.oidc.models import Client
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from security.roles import PRIVACY_OFFICER
from stores.models import NoticeStatus, Store, StoreNotice
from stores.services.connections import store_register, store_update
from stores.webhooks import store_webhook_key
from tests.accounts.factories import UserFactory
from tests.stores.factories import (
    StoreConnectionFactory,
    StoreFactory,
    StoreNoticeAttemptFactory,
    StoreNoticeFactory,
    StorePurchaseFactory,
)
from tests.stores.webhook_server import webhook_server_fixture  # noqa: F401 - the `webhook_server` fixture

pytestmark = pytest.mark.django_db

ADD_FORM = {
    "name": "Linen House",
    "logo_url": "",
    "website": "https://linenhouse.example/",
    "privacy_policy_url": "https://linenhouse.example/privacy",
    "redirect_uris": "https://linenhouse.example/callback\nhttp://localhost:5000/callback",
    "allowed_fields": ["profile", "sizes"],
    "webhook_url": "https://linenhouse.example/webhooks/sesiocloset",
}


@pytest.fixture
def superuser(db):
    return UserFactory(email="root@sesiocloset.test", is_staff=True, is_superuser=True)


@pytest.fixture
def staff_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def privacy_officer(db):
    member = UserFactory(email="dpo@sesiocloset.test", is_staff=True)
    member.groups.add(Group.objects.get(name=PRIVACY_OFFICER))
    return member


def _shown(response, name: str) -> str:
    match = re.search(rf'value="([^"]+)" data-secret="{name}"', response.content.decode())
    assert match, f"{name} is not on the page"
    return html.unescape(match.group(1))


def test_registering_a_store_shows_its_secrets_once_and_keeps_only_a_hash(staff_client):
    response = staff_client.post("/admin/stores/store/add/", ADD_FORM)

    assert response.status_code == 200, response.content[:2000]
    assert "no-store" in response["Cache-Control"]
    store = Store.objects.select_related("client").get()
    client_id, secret, key = (_shown(response, name) for name in ("client_id", "client_secret", "webhook_key"))
    assert client_id == store.client_id
    assert store.client.check_secret(secret) and secret not in store.client.secret
    assert key == store_webhook_key(store_id=store.pk, secret_version=1)
    assert store.client.get_scopes() == ["openid", "profile", "sizes"]
    assert store.client.get_redirect_uris() == ADD_FORM["redirect_uris"].split("\n")
    assert store.client.skip_consent is False
    assert (store.name, store.webhook_url) == ("Linen House", ADD_FORM["webhook_url"])

    page = staff_client.get(f"/admin/stores/store/{store.pk}/change/")
    assert page.status_code == 200
    assert secret not in page.content.decode() and key not in page.content.decode()


def test_a_webhook_or_redirect_uri_must_be_https_except_on_localhost(staff_client):
    for field, value in (
        ("webhook_url", "http://linenhouse.example/webhooks"),
        ("redirect_uris", "http://linenhouse.example/callback"),
        ("redirect_uris", "https://linenhouse.example/callback#fragment"),
    ):
        response = staff_client.post("/admin/stores/store/add/", {**ADD_FORM, field: value})
        assert response.status_code == 200
        assert response.context["adminform"].form.errors.get(field), (field, value)
    assert not Store.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"webhook_url": "http://linenhouse.example/webhooks"}, "webhook_url"),
        ({"redirect_uris": ["http://linenhouse.example/callback"]}, "redirect_uris"),
        ({"redirect_uris": ["https://linenhouse.example/callback#fragment"]}, "redirect_uris"),
        ({"redirect_uris": ["not an address"]}, "redirect_uris"),
        ({"redirect_uris": []}, "redirect_uris"),
    ],
)
def test_the_services_refuse_addresses_that_are_not_https(changes, field):
    details = {
        "name": "Linen House",
        "website": "https://linenhouse.example/",
        "privacy_policy_url": "https://linenhouse.example/privacy",
        "redirect_uris": ["https://linenhouse.example/callback", "http://localhost:5000/callback"],
        "fields": ["openid", "profile"],
        "webhook_url": "https://linenhouse.example/webhooks",
    }
    with pytest.raises(ValidationError) as refused:
        store_register(**{**details, **changes})
    assert field in refused.value.message_dict
    assert not Store.objects.exists()

    store, _secrets = store_register(**details)
    with pytest.raises(ValidationError) as refused:
        store_update(store=store, **{"redirect_uris": details["redirect_uris"], "fields": details["fields"], **changes})
    assert field in refused.value.message_dict
    store.refresh_from_db()
    assert store.webhook_url == details["webhook_url"]
    assert store.client.get_redirect_uris() == details["redirect_uris"]


def test_changing_a_store_goes_through_the_service_and_keeps_its_secret(staff_client, superuser):
    store = StoreFactory()
    hashed = store.client.secret
    response = staff_client.post(
        f"/admin/stores/store/{store.pk}/change/",
        {
            **ADD_FORM,
            "name": "Linen House & Co",
            "allowed_fields": ["email"],
            "redirect_uris": "https://linenhouse.example/new-callback",
            "is_active": "",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    store.refresh_from_db()
    store.client.refresh_from_db()
    assert (store.name, store.is_active, store.client.name) == ("Linen House & Co", False, "Linen House & Co")
    assert store.client.get_scopes() == ["openid", "email"]
    assert store.client.get_redirect_uris() == ["https://linenhouse.example/new-callback"]
    assert store.client.secret == hashed


def test_rotating_secrets_asks_first_then_shows_the_new_ones_once(staff_client, superuser):
    store = StoreFactory()
    old_hash, old_key = store.client.secret, store_webhook_key(store_id=store.pk, secret_version=1)
    action = {"action": "rotate_secrets", "_selected_action": [str(store.pk)]}

    asked = staff_client.post("/admin/stores/store/", action)
    assert asked.status_code == 200 and b"Rotate now" in asked.content
    store.refresh_from_db()
    assert store.secret_version == 1  # nothing happened yet

    not_ticked = staff_client.post("/admin/stores/store/", {**action, "confirm": "1"})
    assert not_ticked.status_code == 200 and not_ticked.context["form"].errors
    response = staff_client.post("/admin/stores/store/", {**action, "confirm": "1", "understood": "on"})

    assert response.status_code == 200
    store.refresh_from_db()
    store.client.refresh_from_db()
    assert store.secret_version == 2 and store.client.secret != old_hash
    assert store.client.check_secret(_shown(response, "client_secret"))
    new_key = _shown(response, "webhook_key")
    assert new_key == store_webhook_key(store_id=store.pk, secret_version=2) != old_key


def test_stores_cannot_be_deleted_only_deactivated(staff_client):
    store = StoreFactory()
    assert staff_client.get(f"/admin/stores/store/{store.pk}/delete/").status_code == 403


@pytest.mark.promise("STO-1")
def test_allauths_client_admin_is_read_only_so_no_store_can_be_set_to_skip_consent(staff_client):
    store = StoreFactory()
    url = f"/admin/allauth_idp_oidc/client/{store.client_id}/change/"

    assert staff_client.get(url).status_code == 200  # staff may look
    response = staff_client.post(url, {"name": store.client.name, "skip_consent": "on", "type": "confidential"})
    assert response.status_code == 403
    assert staff_client.get("/admin/allauth_idp_oidc/client/add/").status_code == 403
    assert Client.objects.get(pk=store.client_id).skip_consent is False


@pytest.mark.promise("RGT-7")
def test_staff_see_undelivered_notices_with_every_attempt(staff_client):
    failed = StoreNoticeFactory(status=NoticeStatus.FAILED, attempts=8)
    StoreNoticeAttemptFactory(notice=failed, status_code=None, error="no webhook URL")
    retrying = StoreNoticeFactory(attempts=2)
    StoreNoticeAttemptFactory(notice=retrying, status_code=503)
    StoreNoticeFactory()  # pending, never tried yet: not a problem
    StoreNoticeFactory(status=NoticeStatus.DELIVERED, attempts=1)

    response = staff_client.get("/admin/stores/storenotice/", {"delivery": "undelivered"})

    assert response.status_code == 200
    assert {n.pk for n in response.context["cl"].result_list} == {failed.pk, retrying.pk}
    page = staff_client.get(f"/admin/stores/storenotice/{failed.pk}/change/")
    assert page.status_code == 200
    assert b"no webhook URL" in page.content
    assert b'name="_save"' not in page.content  # nothing to edit


@pytest.mark.promise("RGT-7")
def test_retry_now_delivers_an_undelivered_notice(
    staff_client, webhook_server, django_capture_on_commit_callbacks, celery_eager
):
    notice = StoreNoticeFactory(status=NoticeStatus.FAILED, attempts=8, store__webhook_url=f"{webhook_server.url}/ok")

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            "/admin/stores/storenotice/", {"action": "retry_now", "_selected_action": [str(notice.pk)]}
        )

    assert response.status_code == 302
    notice.refresh_from_db()
    assert (notice.status, notice.attempts) == (NoticeStatus.DELIVERED, 9)
    assert len(webhook_server.received) == 1


def test_connections_and_purchases_are_read_only_for_everyone(staff_client):
    connection = StoreConnectionFactory()
    purchase = StorePurchaseFactory()
    for model, obj in (("storeconnection", connection), ("storepurchase", purchase)):
        assert staff_client.get(f"/admin/stores/{model}/").status_code == 200
        assert staff_client.get(f"/admin/stores/{model}/{obj.pk}/change/").status_code == 200
        assert staff_client.post(f"/admin/stores/{model}/{obj.pk}/change/", {}).status_code == 403
        assert staff_client.get(f"/admin/stores/{model}/{obj.pk}/delete/").status_code == 403
        assert staff_client.get(f"/admin/stores/{model}/add/").status_code == 403


@pytest.mark.promise("SEC-1")
def test_a_privacy_officer_sees_connections_and_notices_but_cannot_retry_or_manage_stores(client, privacy_officer):
    notice = StoreNoticeFactory(status=NoticeStatus.FAILED, attempts=8)
    StoreConnectionFactory()
    client.force_login(privacy_officer)

    assert client.get("/admin/stores/storenotice/").status_code == 200
    assert client.get(f"/admin/stores/storenotice/{notice.pk}/change/").status_code == 200
    assert client.get("/admin/stores/storeconnection/").status_code == 200
    assert client.get("/admin/stores/store/").status_code == 403
    assert client.get("/admin/stores/storepurchase/").status_code == 403
    client.post("/admin/stores/storenotice/", {"action": "retry_now", "_selected_action": [str(notice.pk)]})
    assert StoreNotice.objects.get(pk=notice.pk).status == NoticeStatus.FAILED
