"""The store API (``/api/v1/store/``): a store's token reaches only people connected to it, only their granted
fields (STO-3), and pushes purchases into their closet once per order line, pictures through the photo pipeline
(STO-6). What leaves for stores at all is inventoried here too (RGT-8)."""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import re
import secrets

import jwt
import pytest
from allauth.idp.oidc.models import Token
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver
from PIL import Image
from rest_framework.test import APIClient

from accounts.models import Profile
from closet.models import Item, ItemPhoto, ItemStatus, PhotoStatus, Source
from core.storage import private_storage_walk
from stores.models import PurchaseStatus, StoreConnection, StorePurchase
from stores.services.connections import store_connection_revoke
from tests.accounts.factories import UserFactory
from tests.closet.factories import ItemFactory
from tests.stores.api_helpers import CAMERA, as_store, photo_with_exif, purchase_data, store_token
from tests.stores.conftest import connect
from tests.stores.factories import ClientFactory

NOT_FOUND = {"code": "not_found", "detail": "Not found."}
OPTIONAL_SCOPES = ("profile", "email", "sizes", "style")


def _sub(token_response: dict) -> str:
    return jwt.decode(token_response["id_token"], options={"verify_signature": False})["sub"]


def _person_url(sub: str) -> str:
    return f"/api/v1/store/users/{sub}/"


def _purchases_url(sub: str) -> str:
    return f"/api/v1/store/users/{sub}/purchases/"


def _fill_profile(user) -> None:
    Profile.objects.update_or_create(
        user=user,
        defaults={
            "height_cm": 170,
            "waist_cm": 72,
            "shoe_size": "EU 39",
            "vibes": ["minimal"],
            "fit_preferences": ["relaxed"],
        },
    )


def _expected_keys(scopes) -> set[str]:
    keys = {"sub"}
    if "profile" in scopes:
        keys.add("name")
    if "email" in scopes:
        keys |= {"email", "email_verified"}
    if "sizes" in scopes:
        keys.add("sizes")
    if "style" in scopes:
        keys.add("style")
    return keys


@pytest.fixture
def connected(client, user, shop):
    """Alice connected Linen House granting the pseudonym, her name and e-mail; returns her pseudonym there."""
    client.force_login(user)
    return _sub(connect(client, shop, scopes="openid profile email"))


# --- reading granted fields (STO-3) -------------------------------------------------------------------------------


@pytest.mark.promise("STO-3")
def test_a_store_reads_only_the_fields_the_person_granted(client, user, shop):
    _fill_profile(user)
    client.force_login(user)
    sub = _sub(connect(client, shop, scopes="openid profile email sizes", grant=["openid", "email"]))
    response = as_store(store_token(shop)).get(_person_url(sub))
    assert response.status_code == 200
    assert response.json() == {"sub": sub, "email": "alice@example.com", "email_verified": True}


@pytest.mark.promise("STO-3")
def test_a_person_who_did_not_connect_the_store_is_not_found(client, user, other_user, shop, other_shop):
    client.force_login(other_user)
    bobs_sub_at_other_shop = _sub(connect(client, other_shop, scopes="openid profile"))
    shop_client = as_store(store_token(shop))
    for sub in (bobs_sub_at_other_shop, secrets.token_hex(32), "x" * 65, str(other_user.pk)):
        for response in (
            shop_client.get(_person_url(sub)),
            shop_client.get(_purchases_url(sub)),
            shop_client.post(_purchases_url(sub), purchase_data(), format="json"),
        ):
            assert response.status_code == 404, (sub, response.status_code)
            assert response.json() == NOT_FOUND
    assert not StorePurchase.objects.exists() and not Item.objects.exists()


@pytest.mark.promise("STO-3")
def test_another_stores_pseudonym_of_a_connected_person_is_not_found(client, user, shop, other_shop):
    client.force_login(user)
    sub_at_shop = _sub(connect(client, shop, scopes="openid profile"))
    sub_at_other = _sub(connect(client, other_shop, scopes="openid profile"))
    assert as_store(store_token(shop)).get(_person_url(sub_at_other)).json() == NOT_FOUND
    assert as_store(store_token(other_shop)).get(_person_url(sub_at_shop)).json() == NOT_FOUND
    assert as_store(store_token(other_shop)).get(_person_url(sub_at_other)).status_code == 200


@pytest.mark.promise("STO-3")
def test_a_revoked_connection_is_not_found_even_with_a_live_store_token(
    user, shop, connected, django_capture_on_commit_callbacks
):
    shop_client = as_store(store_token(shop))
    assert shop_client.get(_person_url(connected)).status_code == 200
    with django_capture_on_commit_callbacks(execute=False):
        store_connection_revoke(connection=StoreConnection.objects.get(user=user, store=shop.store))
    assert shop_client.get(_person_url(connected)).json() == NOT_FOUND
    assert shop_client.post(_purchases_url(connected), purchase_data(), format="json").json() == NOT_FOUND


@pytest.mark.promise("STO-3")
def test_a_closed_account_is_not_found(user, shop, connected):
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert as_store(store_token(shop)).get(_person_url(connected)).json() == NOT_FOUND


@pytest.mark.promise("STO-3")
def test_a_token_a_person_delegated_reaches_that_person_only(client, user, other_user, shop):
    client.force_login(user)
    alices = connect(client, shop, scopes="openid profile")
    client.force_login(other_user)
    bobs_sub = _sub(connect(client, shop, scopes="openid profile"))
    alice_token = as_store(alices["access_token"])
    assert alice_token.get(_person_url(_sub(alices))).json() == {"sub": _sub(alices), "name": "Alice"}
    assert alice_token.get(_person_url(bobs_sub)).json() == NOT_FOUND
    assert alice_token.post(_purchases_url(bobs_sub), purchase_data(), format="json").json() == NOT_FOUND
    assert as_store(store_token(shop)).get(_person_url(bobs_sub)).status_code == 200  # the store's own token can


@pytest.mark.promise("STO-3")
def test_people_and_their_app_tokens_do_not_reach_the_store_api(client, user, connected):
    client.force_login(user)  # a browser session, even of the person herself
    response = client.get(_person_url(connected))
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated" and response["WWW-Authenticate"].startswith("Bearer")

    app_login = APIClient().post(
        "/_allauth/app/v1/auth/login", {"email": user.email, "password": "correct horse battery"}, format="json"
    )
    app = APIClient(headers={"X-Session-Token": app_login.json()["meta"]["session_token"]})
    assert app.get("/api/v1/items/").status_code == 200  # the app token works where it belongs
    assert app.get(_person_url(connected)).status_code == 401

    signed_in = APIClient()
    signed_in.force_authenticate(user)
    response = signed_in.get(_person_url(connected))
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"


@pytest.mark.promise("STO-3")
def test_a_store_token_does_not_reach_the_persons_own_api(user, shop, connected):
    ItemFactory(owner=user)
    shop_client = as_store(store_token(shop, scope="openid profile email"))
    for url in ("/api/v1/items/", "/api/v1/store-connections/", "/api/v1/store-purchases/", "/api/v1/consents/"):
        assert shop_client.get(url).status_code == 401, url


def test_bad_unknown_and_foreign_tokens_are_refused(user, shop, connected):
    for token in ("", "not-a-token", secrets.token_urlsafe(64)):
        response = as_store(token).get(_person_url(connected))
        assert response.status_code == 401
        assert set(response.json()) == {"code", "detail"}
    # A valid token of an OIDC client that is not a store.
    raw = secrets.token_urlsafe(64)
    Token.objects.create(
        type=Token.Type.ACCESS_TOKEN, hash=hashlib.sha256(raw.encode()).hexdigest(), client=ClientFactory(), user=None
    )
    assert as_store(raw).get(_person_url(connected)).status_code == 401
    # A token in the query string (it would end up in logs) does not count.
    token = store_token(shop)
    assert APIClient().get(_person_url(connected), {"access_token": token}).status_code == 401


def test_an_inactive_store_is_refused(shop, connected):
    token = store_token(shop)
    shop.store.is_active = False
    shop.store.save(update_fields=["is_active"])
    response = as_store(token).get(_person_url(connected))
    assert response.status_code == 401 and response.json()["code"] == "authentication_failed"


@pytest.mark.promise("STO-2")
def test_the_internal_user_id_appears_in_no_store_api_answer(client, shop, django_capture_on_commit_callbacks):
    person = UserFactory(pk=987_654_321, email="carol@example.com", display_name="Carol")
    _fill_profile(person)
    client.force_login(person)
    sub = _sub(connect(client, shop, scopes="openid profile email sizes style"))
    shop_client = as_store(store_token(shop))
    with django_capture_on_commit_callbacks(execute=False):
        answers = [
            shop_client.get(_person_url(sub)),
            shop_client.post(_purchases_url(sub), purchase_data(), format="json"),
            shop_client.post(_purchases_url(sub), purchase_data(), format="json"),
            shop_client.post(
                _purchases_url(sub), purchase_data(line_id="2", image=photo_with_exif()), format="multipart"
            ),
            shop_client.get(_purchases_url(sub)),
            shop_client.get(_person_url("0" * 64)),
        ]
    for answer in answers:
        text = answer.content.decode()
        assert "987654321" not in text, text
        assert not {"user", "owner", "user_id", "owner_id", "item", "status"} & _all_keys(json.loads(text))


def _all_keys(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _all_keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _all_keys(v)}
    return set()


# --- pushing purchases (STO-6) ------------------------------------------------------------------------------------


@pytest.mark.promise("STO-6")
def test_a_purchase_pushed_twice_is_imported_once(user, shop, connected):
    shop_client = as_store(store_token(shop))
    first = shop_client.post(_purchases_url(connected), purchase_data(), format="json")
    again = shop_client.post(_purchases_url(connected), purchase_data(product_name="Changed"), format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json() and first.json()["product_name"] == "Linen shirt"
    assert StorePurchase.objects.count() == 1 and Item.objects.filter(owner=user).count() == 1
    purchase = StorePurchase.objects.get()
    assert purchase.owner == user and purchase.status == PurchaseStatus.INBOX
    item = purchase.item
    assert (item.source, item.status, item.name, item.brand, item.size) == (
        Source.STORE, ItemStatus.DRAFT, "Linen shirt", "Linen House", "M",
    )  # fmt: skip
    assert (item.category.slug, item.subcategory.slug) == ("tops", "shirts-blouses")
    assert [c.slug for c in item.colours.all()] == ["navy"]
    assert (str(item.price), item.currency, str(item.purchase_date)) == ("49.00", "EUR", "2026-03-14")
    # Another line of the same order is another purchase.
    assert shop_client.post(_purchases_url(connected), purchase_data(line_id="2"), format="json").status_code == 201
    assert StorePurchase.objects.count() == 2


@pytest.mark.promise("STO-6")
def test_the_product_picture_goes_through_the_photo_pipeline(
    user, shop, connected, celery_eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_store(store_token(shop)).post(
            _purchases_url(connected), purchase_data(image=photo_with_exif()), format="multipart"
        )
    assert response.status_code == 201, response.content
    photo = ItemPhoto.objects.get(item__store_purchases__id=response.json()["id"])
    assert photo.owner == user and photo.status == PhotoStatus.READY and photo.is_primary
    assert not photo.upload  # the raw upload is gone
    for name in (photo.original.name, photo.thumbnail.name):
        with default_storage.open(name, "rb") as handle:
            stored = handle.read()
        assert CAMERA.encode() not in stored and b"GPS" not in stored
        with Image.open(io.BytesIO(stored)) as img:
            assert len(img.getexif()) == 0 and "exif" not in img.info


def _gif() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), (200, 0, 0)).save(buffer, format="GIF")
    return buffer.getvalue()


@pytest.mark.promise("STO-6")
@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (SimpleUploadedFile("product.jpg", b"this is not a picture at all", content_type="image/jpeg"), "not_an_image"),
        (SimpleUploadedFile("product.gif", _gif(), content_type="image/gif"), "unsupported_type"),
    ],
    ids=["not an image", "a gif"],
)
def test_a_refused_picture_refuses_the_whole_purchase(user, shop, connected, upload, code):
    response = as_store(store_token(shop)).post(
        _purchases_url(connected), purchase_data(image=upload), format="multipart"
    )
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == code and body["detail"] and set(body) == {"code", "detail"}
    assert not StorePurchase.objects.exists() and not Item.objects.exists() and not ItemPhoto.objects.exists()
    assert list(private_storage_walk()) == []


@pytest.mark.promise("STO-6")
def test_purchases_go_straight_to_the_closet_when_the_person_chose_so(user, shop, connected):
    StoreConnection.objects.filter(user=user).update(auto_accept_purchases=True)
    response = as_store(store_token(shop)).post(_purchases_url(connected), purchase_data(), format="json")
    assert response.status_code == 201
    purchase = StorePurchase.objects.get()
    assert purchase.status == PurchaseStatus.ACCEPTED and purchase.item.status == ItemStatus.ACTIVE


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"line_id": None}, "line_id"),
        ({"order_id": None}, "order_id"),
        ({"product_name": ""}, "product_name"),
        ({"currency": ""}, "currency"),  # a price needs one
        ({"currency": "EURO"}, "currency"),
        ({"price": "-1"}, "price"),
        ({"purchased_on": "yesterday"}, "purchased_on"),
    ],
)
def test_invalid_purchases_are_refused_with_the_field_named(shop, connected, changes, field):
    data = {k: v for k, v in purchase_data(**changes).items() if v is not None}
    response = as_store(store_token(shop)).post(_purchases_url(connected), data, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and field in response.json()["errors"]
    assert not StorePurchase.objects.exists()


def test_unknown_categories_and_colours_fall_back_and_codes_are_upper_cased(user, shop, connected):
    data = purchase_data(category="Gift cards", colour="Chartreuse sparkle", currency="eur")
    assert as_store(store_token(shop)).post(_purchases_url(connected), data, format="json").status_code == 201
    item = StorePurchase.objects.get().item
    assert item.category.slug == "tops" and item.subcategory is None and not item.colours.exists()
    assert item.currency == "EUR"


@pytest.mark.parametrize(
    ("category", "main", "sub"),
    [("Jeans", "bottoms", "jeans"), ("Men / Shoes / Trainers", "shoes", "sneakers"), ("Dress", "one-pieces", "dresses"),
     ("outerwear", "outerwear", None), ("Knitted jumper", "tops", "knitwear")],
)  # fmt: skip
def test_store_categories_are_matched_to_the_closet_taxonomy(user, shop, connected, category, main, sub):
    data = purchase_data(category=category)
    assert as_store(store_token(shop)).post(_purchases_url(connected), data, format="json").status_code == 201
    item = StorePurchase.objects.get().item
    assert (item.category.slug, item.subcategory.slug if item.subcategory else None) == (main, sub)


def test_a_store_lists_only_what_it_sent_for_that_person(client, user, other_user, shop, other_shop, connected):
    client.force_login(user)
    sub_at_other = _sub(connect(client, other_shop, scopes="openid"))
    client.force_login(other_user)
    bobs_sub = _sub(connect(client, shop, scopes="openid"))
    shop_client = as_store(store_token(shop))
    for line in ("1", "2", "3"):
        shop_client.post(_purchases_url(connected), purchase_data(line_id=line), format="json")
    shop_client.post(_purchases_url(bobs_sub), purchase_data(order_id="B-1"), format="json")
    as_store(store_token(other_shop)).post(_purchases_url(sub_at_other), purchase_data(order_id="O-1"), format="json")

    page = shop_client.get(_purchases_url(connected), {"page_size": 2}).json()
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"]
    assert {row["order_id"] for row in page["results"]} == {"A-1042"}
    assert set(page["results"][0]) == {
        "id", "order_id", "line_id", "product_name", "brand", "category", "colour", "size", "price", "currency",
        "purchased_on", "received_at",
    }  # fmt: skip


@pytest.mark.promise("STO-4")
def test_after_reconnecting_the_store_sees_a_new_shopper_without_the_old_purchases(
    client, user, shop, connected, django_capture_on_commit_callbacks
):
    shop_client = as_store(store_token(shop))
    first = shop_client.post(_purchases_url(connected), purchase_data(), format="json")
    assert first.status_code == 201
    first_id = first.json()["id"]
    with django_capture_on_commit_callbacks(execute=False):
        store_connection_revoke(connection=StoreConnection.objects.get(user=user, revoked_at__isnull=True))
    new_sub = _sub(connect(client, shop, scopes="openid"))
    assert new_sub != connected
    assert shop_client.get(_purchases_url(new_sub)).json()["count"] == 0
    # The old line sent again is a new shopper's purchase: "already have it" would link the two pseudonyms.
    again = shop_client.post(_purchases_url(new_sub), purchase_data(), format="json")
    assert again.status_code == 201
    assert again.json()["id"] != first_id
    assert StorePurchase.objects.count() == 2


def test_the_store_api_is_documented_with_its_own_bearer_scheme(admin_client):
    schema = APIClient().get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    document = schema.json()
    assert document["components"]["securitySchemes"]["storeToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": document["components"]["securitySchemes"]["storeToken"]["description"],
    }
    for path in ("/api/v1/store/users/{sub}/", "/api/v1/store/users/{sub}/purchases/"):
        for operation in document["paths"][path].values():
            assert operation["security"] == [{"storeToken": []}], path


# --- what leaves for stores at all (RGT-8) ------------------------------------------------------------------------

# The only ways personal data reaches a store: the ID token (token endpoint, POST), the userinfo endpoint and the
# store API's person endpoint. Everything else must give a store's token nothing about anybody.
PROTOCOL_CLAIMS = {"iss", "aud", "exp", "iat", "auth_time", "nonce", "at_hash", "c_hash", "azp", "jti", "sid"}


def _routes(patterns=None, prefix: str = ""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route


def _concrete(route: str, values: dict[str, str]) -> str | None:
    """A GET-able path for a route pattern, every parameter filled with something of the person's (or None for a
    regular expression this cannot fill)."""
    route = route.replace("^", "").replace("$", "").replace("\\.", ".")
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: "<" + m.group(1) + ">", route)
    if any(c in route for c in "()[]?*+\\"):
        return None
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values.get(m.group(1), values["pk"]), route)


@pytest.mark.promise("RGT-8")
def test_every_path_a_store_can_call_gives_personal_data_only_where_granted(client, shop):
    """Call every route of the product as a store (its own token, and one the person delegated): fields the person
    did not grant come back from nowhere, and the granted ones (pseudonym, name) only from userinfo and the store
    API's person endpoint. The person's values are unusual enough not to appear anywhere by chance."""
    person = UserFactory(email="zq7.marker@example.com", display_name="Zoq Quillfeather")
    Profile.objects.update_or_create(user=person, defaults={"shoe_size": "ZQ-39", "vibes": ["zq-vibe"]})
    item = ItemFactory(owner=person, name="Marker coat 7Q")
    client.force_login(person)
    delegated = connect(client, shop, scopes="openid profile")
    sub = _sub(delegated)
    client.logout()
    not_granted = [b"zq7.marker", b"Marker coat 7Q", b"ZQ-39", b"zq-vibe"]
    granted = [sub.encode(), b"Quillfeather"]
    values = {"pk": str(item.pk), "sub": sub, "client": "app", "format": "json"}
    outbound = {"/identity/o/api/userinfo", f"/api/v1/store/users/{sub}/"}
    paths = {path for route in _routes() if (path := _concrete(route, values)) and not path.startswith("/admin/")}
    assert f"/api/v1/store/users/{sub}/purchases/" in paths and "/identity/o/api/userinfo" in paths
    reached, leaks = set(), []
    for token in (store_token(shop, scope="openid profile"), delegated["access_token"]):
        store_client = as_store(token)
        store_client.raise_request_exception = False  # a route that breaks without its setup gives nothing away
        for path in sorted(paths):
            response = store_client.get(path)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            if response.status_code >= 400:
                continue
            leaks += [(path, m) for m in not_granted if m in body]
            if response.status_code == 200 and any(m in body for m in granted):
                reached.add(path)
    assert leaks == []
    # The store's own token has no person, so userinfo gives it nothing; the delegated token reads both.
    assert reached == outbound, sorted(reached)


@pytest.mark.promise("RGT-8")
@pytest.mark.promise("STO-3")
def test_for_every_choice_of_fields_each_outbound_path_returns_exactly_those(client, user, shop):
    """ID token, userinfo and the store API, for every subset of the optional fields the person may tick."""
    _fill_profile(user)
    client.force_login(user)
    store_client = as_store(store_token(shop))
    for size in range(len(OPTIONAL_SCOPES) + 1):
        for chosen in itertools.combinations(OPTIONAL_SCOPES, size):
            granted = ["openid", *chosen]
            token = connect(client, shop, scopes="openid " + " ".join(OPTIONAL_SCOPES), grant=granted)
            expected = _expected_keys(granted)
            id_claims = jwt.decode(token["id_token"], options={"verify_signature": False})
            userinfo = client.get("/identity/o/api/userinfo", HTTP_AUTHORIZATION=f"Bearer {token['access_token']}")
            store_api = store_client.get(_person_url(id_claims["sub"]))
            assert set(id_claims) - PROTOCOL_CLAIMS == expected, granted
            assert set(userinfo.json()) == expected, granted
            assert set(store_api.json()) == expected, granted
            assert store_api.json() == userinfo.json()
