"""The inbox of purchases stores sent (STO-6): import, one-tap Accept and Dismiss, through the services, the
person's API (``/api/v1/store-purchases/``), Settings and the closet page's strip."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from rest_framework.test import APIClient

from closet.models import Item, ItemPhoto, ItemStatus
from closet.services.items import closet_item_delete
from core.storage import private_storage_walk
from stores.models import PurchaseStatus, StorePurchase
from stores.selectors.purchases import store_purchase_inbox
from stores.services.purchases import (
    PurchaseConflict,
    store_purchase_accept,
    store_purchase_dismiss,
    store_purchase_import,
)
from tests.closet.factories import ItemPhotoFactory
from tests.stores.api_helpers import photo_with_exif
from tests.stores.factories import StoreConnectionFactory, StorePurchaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def connection(user):
    return StoreConnectionFactory(user=user, fields=["openid"])


def _import(connection, **values):
    data = {"product_name": "Linen shirt", "order_id": "A-1", "line_id": "1", "category": "shirts"} | values
    return store_purchase_import(connection=connection, **data).purchase


@pytest.mark.promise("STO-6")
def test_an_imported_purchase_waits_in_the_inbox_as_a_draft(user, connection):
    purchase = _import(connection)
    assert purchase.status == PurchaseStatus.INBOX and purchase.item.status == ItemStatus.DRAFT
    assert list(store_purchase_inbox(user=user)) == [purchase]
    assert Item.objects.filter(owner=user).count() == 1


@pytest.mark.promise("STO-6")
def test_accept_puts_the_item_in_the_closet(user, connection):
    purchase = store_purchase_accept(purchase=_import(connection))
    purchase.item.refresh_from_db()
    assert purchase.status == PurchaseStatus.ACCEPTED and purchase.item.status == ItemStatus.ACTIVE
    assert store_purchase_accept(purchase=purchase).status == PurchaseStatus.ACCEPTED  # twice: nothing changes
    assert list(store_purchase_inbox(user=user)) == []
    with pytest.raises(PurchaseConflict) as refused:
        store_purchase_dismiss(purchase=purchase)
    assert refused.value.code == "purchase_accepted"
    assert Item.objects.filter(pk=purchase.item_id).exists()


@pytest.mark.promise("STO-6")
def test_dismiss_deletes_the_draft_with_its_files_and_keeps_the_line_from_coming_back(
    user, connection, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):  # not processed: the raw upload is on disk
        purchase = _import(connection, image=photo_with_exif())
    photo = ItemPhoto.objects.get(item=purchase.item)
    assert default_storage.exists(photo.upload.name)
    with django_capture_on_commit_callbacks(execute=True):
        purchase = store_purchase_dismiss(purchase=purchase)
    assert purchase.status == PurchaseStatus.DISMISSED and purchase.item is None
    assert not Item.objects.filter(owner=user).exists() and not ItemPhoto.objects.exists()
    assert list(private_storage_walk()) == []
    again = store_purchase_import(connection=connection, product_name="Linen shirt", order_id="A-1", line_id="1")
    assert again.created is False and again.purchase.status == PurchaseStatus.DISMISSED
    assert not Item.objects.filter(owner=user).exists()
    with pytest.raises(PurchaseConflict) as refused:
        store_purchase_accept(purchase=purchase)
    assert refused.value.code == "purchase_dismissed"


def test_a_draft_published_or_deleted_in_the_closet_leaves_the_inbox(user, connection):
    published, deleted = _import(connection, line_id="1"), _import(connection, line_id="2")
    Item.objects.filter(pk=published.item_id).update(status=ItemStatus.ACTIVE)
    closet_item_delete(item=deleted.item)
    assert list(store_purchase_inbox(user=user)) == []
    assert store_purchase_accept(purchase=published).status == PurchaseStatus.ACCEPTED
    deleted.refresh_from_db()
    with pytest.raises(PurchaseConflict):
        store_purchase_accept(purchase=deleted)
    assert store_purchase_dismiss(purchase=deleted).status == PurchaseStatus.DISMISSED


def test_a_purchase_for_a_revoked_connection_is_refused(user, connection):
    connection.revoked_at = connection.connected_at
    connection.save()
    with pytest.raises(ValueError):
        _import(connection)
    assert not StorePurchase.objects.exists()


# --- the person's API ---------------------------------------------------------------------------------------------


def test_the_api_lists_the_inbox_and_accepts_and_dismisses(user, api_client, connection):
    first, second, third = (_import(connection, line_id=str(n)) for n in (1, 2, 3))
    listed = api_client.get("/api/v1/store-purchases/").json()
    assert {row["id"] for row in listed["results"]} == {str(first.pk), str(second.pk), str(third.pk)}
    assert "owner" not in listed["results"][0]

    accepted = api_client.post(f"/api/v1/store-purchases/{first.pk}/accept/")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    dismissed = api_client.post(f"/api/v1/store-purchases/{second.pk}/dismiss/")
    assert dismissed.status_code == 200 and dismissed.json()["status"] == "dismissed"
    assert dismissed.json()["item"] is None

    assert [row["id"] for row in api_client.get("/api/v1/store-purchases/").json()["results"]] == [str(third.pk)]
    everything = api_client.get("/api/v1/store-purchases/", {"status": "all"}).json()
    assert everything["count"] == 3
    only_accepted = api_client.get("/api/v1/store-purchases/", {"status": "accepted"}).json()["results"]
    assert [row["id"] for row in only_accepted] == [str(first.pk)]

    conflict = api_client.post(f"/api/v1/store-purchases/{first.pk}/dismiss/")
    assert conflict.status_code == 409 and conflict.json()["code"] == "purchase_accepted"


def test_the_api_shows_the_photo_of_purchases_out_of_the_inbox_too(user, api_client, connection):
    purchase = _import(connection)
    ItemPhotoFactory(owner=user, item=purchase.item, is_primary=True)
    accepted = api_client.post(f"/api/v1/store-purchases/{purchase.pk}/accept/").json()
    assert accepted["photo_url"]
    assert api_client.get(f"/api/v1/store-purchases/{purchase.pk}/").json()["photo_url"]
    for status in ("accepted", "all"):
        (row,) = api_client.get("/api/v1/store-purchases/", {"status": status}).json()["results"]
        assert row["photo_url"], status


def test_another_persons_purchase_is_not_found_on_the_api(user, other_user, connection):
    purchase = _import(connection)
    bob = APIClient()
    bob.force_authenticate(other_user)
    assert bob.get("/api/v1/store-purchases/").json()["count"] == 0
    for url in (f"/api/v1/store-purchases/{purchase.pk}/accept/", f"/api/v1/store-purchases/{purchase.pk}/dismiss/"):
        response = bob.post(url)
        assert response.status_code == 404 and response.json() == {"code": "not_found", "detail": "Not found."}
    purchase.refresh_from_db()
    assert purchase.status == PurchaseStatus.INBOX and purchase.item.status == ItemStatus.DRAFT


# --- HTML: Settings and the closet's strip --------------------------------------------------------------------------


def test_the_closet_page_shows_the_strip_with_one_tap_accept(client, user, connection):
    purchase = _import(connection, product_name="Striped tee")
    client.force_login(user)
    page = client.get("/closet/")
    assert b"From your stores" in page.content and b"Striped tee" in page.content
    response = client.post(f"/settings/stores/purchases/{purchase.pk}/accept/", {"next": "/closet/"})
    assert response.status_code == 302 and response["Location"] == "/closet/"
    purchase.refresh_from_db()
    assert purchase.status == PurchaseStatus.ACCEPTED
    page = client.get("/closet/")
    assert b"From your stores" not in page.content and b"Striped tee" in page.content  # now a closet item


def test_the_closet_page_has_no_strip_without_purchases(client, user):
    client.force_login(user)
    assert b"From your stores" not in client.get("/closet/").content


def test_dismiss_from_settings_and_never_redirect_off_site(client, user, connection):
    purchase = _import(connection)
    client.force_login(user)
    assert b"Linen shirt" in client.get("/settings/stores/").content
    response = client.post(f"/settings/stores/purchases/{purchase.pk}/dismiss/", {"next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/settings/stores/"
    purchase.refresh_from_db()
    assert purchase.status == PurchaseStatus.DISMISSED and not Item.objects.filter(owner=user).exists()


def test_another_persons_purchase_is_not_found_in_html(client, user, other_user):
    purchase = StorePurchaseFactory(owner=user)
    client.force_login(other_user)
    for action in ("accept", "dismiss"):
        assert client.post(f"/settings/stores/purchases/{purchase.pk}/{action}/").status_code == 404
    purchase.refresh_from_db()
    assert purchase.status == PurchaseStatus.INBOX


def test_a_purchase_arriving_after_the_closet_page_was_cached_shows_on_the_next_page(
    client, user, connection, settings, django_capture_on_commit_callbacks
):
    settings.CLOSET_LIST_CACHE = True  # on, as with the shared cache of production
    client.force_login(user)
    assert b"From your stores" not in client.get("/closet/").content
    with django_capture_on_commit_callbacks(execute=True):
        purchase = _import(connection, product_name="Striped tee")
    assert b"From your stores" in client.get("/closet/").content
    with django_capture_on_commit_callbacks(execute=True):
        store_purchase_dismiss(purchase=purchase)
    assert b"From your stores" not in client.get("/closet/").content
