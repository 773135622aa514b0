"""The closet list's fast path and its per-owner cache (closet/list_cache.py): the rows answer what the serializer
answers, every write to what the list shows changes the next answer, nobody gets another person's page, and a
cached page never carries a photo link close to expiry."""

from __future__ import annotations

import datetime
import json
import time
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from closet import services
from closet.list_cache import (
    closet_list_cache_clear,
    closet_list_cache_enabled,
    closet_list_cache_seconds,
    closet_list_cached,
)
from closet.models import Item, Tag
from closet.selectors.items import item_rows_in_order, items_with_wear_stats
from closet.services.photos import item_photo_delete, item_photo_make_primary
from closet.services.wears import item_wash_log, wear_delete, wear_log
from core.storage import private_file_url_check
from tests.closet.factories import ItemFactory, ItemPhotoFactory, TagFactory, WearFactory, category, colour

pytestmark = pytest.mark.django_db

API = "/api/v1/items/?page_size=100"


@pytest.fixture(autouse=True)
def _cache_on(settings):
    # The test settings use a process-local cache, where the list cache is off by default (see list_cache).
    settings.CLOSET_LIST_CACHE = True


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _results(client) -> list[dict]:
    response = client.get(API)
    assert response.status_code == 200, response.content[:300]
    return response.json()["results"]


def _varied_closet(owner) -> list[Item]:
    plain = ItemFactory(owner=owner, name="Plain tee")
    full = ItemFactory(
        owner=owner,
        name="Camel coat",
        category=category("outerwear"),
        subcategory=category("coats"),
        colours=[colour("camel"), colour("navy")],
        price=Decimal("249.00"),
        currency="EUR",
        season_winter=True,
        season_autumn=True,
        formality=4,
        warmth=5,
        wash_interval=2,
        last_washed_on=datetime.date(2026, 1, 5),
        purchase_date=datetime.date(2025, 10, 2),
        notes="Dry clean only.",
    )
    full.tags.set([TagFactory(owner=owner, name="work"), TagFactory(owner=owner, name="favourite")])
    ItemPhotoFactory(owner=owner, item=full, is_primary=True)
    for day in (1, 6, 7):
        WearFactory(owner=owner, item=full, worn_on=datetime.date(2026, 1, day))
    thirds = ItemFactory(owner=owner, name="Cheap socks", price=Decimal("10.00"), currency="EUR")
    for day in (1, 2, 3):
        WearFactory(owner=owner, item=thirds, worn_on=datetime.date(2026, 2, day))
    return [plain, full, thirds]


def _without_link_expiry(body: dict) -> dict:
    url = body["photo_url"]
    return {**body, "photo_url": url and urlsplit(url).path}


def test_the_list_answers_what_the_item_serializer_answers(user, api_client, settings):
    settings.CLOSET_LIST_CACHE = False
    _varied_closet(user)
    listed = _results(api_client)
    assert len(listed) == 3
    for row in listed:
        detail = api_client.get(f"/api/v1/items/{row['id']}/").json()
        assert _without_link_expiry(row) == _without_link_expiry(detail)
    by_name = {row["name"]: row for row in listed}
    assert by_name["Cheap socks"]["cost_per_wear"] == "3.33"  # 10 / 3, rounded to cents
    assert by_name["Camel coat"]["needs_wash"] is True and by_name["Camel coat"]["photo_url"]


@pytest.mark.parametrize(
    ("price", "wears", "expected"),
    [("10.00", 3, "3.33"), ("2.03", 2, "1.02"), ("2.01", 2, "1.00"), ("0.05", 2, "0.02"), ("249.00", 7, "35.57")],
)
def test_the_lists_cost_per_wear_is_the_detail_views_to_the_cent(user, api_client, settings, price, wears, expected):
    """The list computes cost per wear in Python, the detail view in SQL: half cents round alike (to even)."""
    settings.CLOSET_LIST_CACHE = False
    item = ItemFactory(owner=user, price=Decimal(price), currency="EUR")
    for day in range(1, wears + 1):
        WearFactory(owner=user, item=item, worn_on=datetime.date(2026, 3, day))
    [listed] = _results(api_client)
    assert listed["cost_per_wear"] == api_client.get(f"/api/v1/items/{item.pk}/").json()["cost_per_wear"] == expected


def test_the_rows_of_a_page_are_only_the_owners(user, other_user):
    """item_rows_in_order filters on the ids and scopes to the owner in Python: another person's id is unknown."""
    mine = ItemFactory(owner=user, name="Mine")
    theirs = ItemFactory(owner=other_user, name="Theirs")
    assert [row["name"] for row in item_rows_in_order(user=user, pks=[theirs.pk, mine.pk])] == ["Mine"]
    assert item_rows_in_order(user=user, pks=[theirs.pk]) == []


def test_the_closet_pages_cards_are_the_cards_drawn_from_items(user, monkeypatch, settings):
    """/closet/ draws its cards from plain rows; the outfit and idea pages draw the same card from Item instances
    (items_with_wear_stats). Both must give the very same markup."""
    settings.CLOSET_LIST_CACHE = False
    monkeypatch.setattr("core.storage.time.time", lambda: 1_800_000_000)  # the same signed photo links
    _varied_closet(user)
    ItemFactory(owner=user, name="Black ankle boots", category=category("shoes"), colours=[colour("black")])
    client = Client()
    client.force_login(user)
    page = client.get("/closet/").content.decode()
    items = list(items_with_wear_stats(Item.objects.filter(owner=user)))
    assert len(items) == 4
    for item in items:
        card = render_to_string("closet/_item_card.html", {"item": item})
        assert card in page, card
    assert page.count('class="item-card"') == 4


def test_a_second_request_is_served_from_the_cache(user, api_client):
    _varied_closet(user)
    with CaptureQueriesContext(connection) as cold:
        first = _results(api_client)
    with CaptureQueriesContext(connection) as warm:
        assert _results(_client(user)) == first
    # Only what every signed-in request pays is left: no query reads the closet.
    assert any("closet_item" in query["sql"] for query in cold.captured_queries)
    assert not any("closet_" in query["sql"] for query in warm.captured_queries)


def _update_name(user, item, photo, wear):
    services.closet_item_update(item=item, name="Renamed")


def _update_colours(user, item, photo, wear):
    services.closet_item_update(item=item, colours=[colour("white")])


def _update_tags(user, item, photo, wear):
    services.closet_item_update(item=item, tags=["weekend"])


def _rename_tag(user, item, photo, wear):
    tag = Tag.objects.get(owner=user, name="work")
    tag.name = "office"
    tag.save()


def _create_item(user, item, photo, wear):
    services.closet_item_create(owner=user, name="New scarf", category=category("tops"))


def _delete_item(user, item, photo, wear):
    services.closet_item_delete(item=item)


def _log_wear(user, item, photo, wear):
    wear_log(owner=user, item=item, worn_on=datetime.date(2026, 3, 1))


def _delete_wear(user, item, photo, wear):
    wear_delete(wear=wear)


def _wash(user, item, photo, wear):
    item_wash_log(owner=user, item=item, washed_on=datetime.date(2026, 3, 2))


def _add_photo(user, item, photo, wear):
    ItemPhotoFactory(owner=user, item=Item.objects.get(owner=user, name="Bare"), is_primary=True)


def _make_primary(user, item, photo, wear):
    # QuerySet.update() sends no signal: the service invalidates by itself.
    item_photo_make_primary(photo=item.photos.get(is_primary=False))


def _delete_photo(user, item, photo, wear):
    item_photo_delete(photo=photo)


def _save_bypassing_services(user, item, photo, wear):
    Item.objects.get(pk=item.pk).save()  # the admin, a shell: caught by the post_save receiver


WRITES = [
    _update_name,
    _update_colours,
    _update_tags,
    _rename_tag,
    _create_item,
    _delete_item,
    _log_wear,
    _delete_wear,
    _wash,
    _add_photo,
    _make_primary,
    _delete_photo,
    _save_bypassing_services,
]


@pytest.mark.parametrize("write", WRITES, ids=[write.__name__.lstrip("_") for write in WRITES])
def test_every_write_to_what_the_list_shows_changes_the_next_answer(
    user, django_capture_on_commit_callbacks, write, settings
):
    settings.CLOSET_LIST_CACHE_SECONDS = 60
    # Tests run inside one transaction that never commits: run the set-up's own clears now, as a commit would,
    # so that only the write under test can clear the cache below.
    with django_capture_on_commit_callbacks(execute=True):
        item = ItemFactory(owner=user, name="Coat", colours=[colour("navy")], wash_interval=5)
        item.tags.set([TagFactory(owner=user, name="work")])
        photo = ItemPhotoFactory(owner=user, item=item, is_primary=True)
        ItemPhotoFactory(owner=user, item=item, is_primary=False)
        wear = WearFactory(owner=user, item=item, worn_on=datetime.date(2026, 2, 1))
        ItemFactory(owner=user, name="Bare")
    client = _client(user)
    before = client.get(API).content
    assert client.get(API).content == before  # cached (the photo link's expiry would differ otherwise, too)

    with django_capture_on_commit_callbacks(execute=True):
        write(user, item, photo, wear)

    after = client.get(API).content
    assert after != before
    # And it is the real, current answer, not merely another cached one.
    settings.CLOSET_LIST_CACHE = False
    fresh = _results(client)
    assert [_without_link_expiry(row) for row in _results_of(after)] == [_without_link_expiry(r) for r in fresh]


def _results_of(content: bytes) -> list[dict]:
    import json

    return json.loads(content)["results"]


def test_a_write_changes_the_html_list_too(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        item = ItemFactory(owner=user, name="Navy coat")
    client = Client()
    client.force_login(user)
    assert b"Navy coat" in client.get("/closet/").content
    with django_capture_on_commit_callbacks(execute=True):
        services.closet_item_update(item=item, name="Camel coat")
    page = client.get("/closet/").content
    assert b"Camel coat" in page and b"Navy coat" not in page


def test_a_page_computed_before_a_write_is_never_served_after_it(user, django_capture_on_commit_callbacks):
    """The race a generation number closes: a request reads the old data, a write commits, the request stores."""
    with django_capture_on_commit_callbacks(execute=True):
        item = ItemFactory(owner=user, name="Old name")
    client = _client(user)
    request = client.get(API).wsgi_request  # a real request of alice's, for the cache key
    cache.clear()

    def slow_compute():
        answer = [row["name"] for row in Item.objects.filter(owner=user).values("name")]
        with django_capture_on_commit_callbacks(execute=True):  # a write commits while this request works
            services.closet_item_update(item=item, name="New name")
        return answer

    assert closet_list_cached(request, compute=slow_compute) == ["Old name"]
    assert closet_list_cached(request, compute=lambda: ["recomputed"]) == ["recomputed"]


@pytest.mark.promise("SEC-3")
def test_bob_never_receives_alices_cached_page(user, other_user):
    ItemFactory(owner=user, name="Alice's coat")
    ItemFactory(owner=other_user, name="Bob's jacket")
    assert [row["name"] for row in _results(_client(user))] == ["Alice's coat"]
    assert [row["name"] for row in _results(_client(other_user))] == ["Bob's jacket"]
    html = Client()
    html.force_login(user)
    assert b"Alice&#x27;s coat" in html.get("/closet/").content
    html.force_login(other_user)
    page = html.get("/closet/").content
    assert b"Bob&#x27;s jacket" in page and b"Alice" not in page


@pytest.fixture
def locmem_cache(settings):
    """These tests read the in-process cache's internals (or its time-based expiry): give them one even when the
    suite runs with Redis (CI)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "lc"}}
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.mark.promise("CLO-1")
def test_a_cached_pages_photo_links_still_work_when_it_is_served(user, api_client, monkeypatch, settings, locmem_cache):
    settings.PRIVATE_FILE_URL_MAX_AGE = 300
    ItemPhotoFactory(owner=user, is_primary=True)
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now)
    link = _results(api_client)[0]["photo_url"]

    # The last moment the entry is served: still the same (cached) link, and it still opens the file.
    later = now + closet_list_cache_seconds() - 1
    monkeypatch.setattr(time, "time", lambda: later)
    assert _results(api_client)[0]["photo_url"] == link
    query = parse_qs(urlsplit(link).query)
    name = urlsplit(link).path.removeprefix("/files/")
    assert private_file_url_check(name, query["expires"][0], query["signature"][0], now=later)
    assert int(query["expires"][0]) - later >= 0.8 * settings.PRIVATE_FILE_URL_MAX_AGE - 1
    assert api_client.get(link).status_code == 200

    # Once the entry has expired, a fresh link is signed.
    monkeypatch.setattr(time, "time", lambda: now + closet_list_cache_seconds() + 1)
    assert _results(api_client)[0]["photo_url"] != link


def test_entries_live_shorter_than_the_photo_links_they_carry(settings):
    settings.CLOSET_LIST_CACHE_SECONDS = 600
    settings.PRIVATE_FILE_URL_MAX_AGE = 100
    assert closet_list_cache_seconds() == 20
    settings.PRIVATE_FILE_URL_MAX_AGE = 4
    assert closet_list_cache_seconds() == 0 and not closet_list_cache_enabled()


def test_it_is_off_by_default_on_a_cache_other_processes_cannot_see(settings, locmem_cache):
    """The embedded profile's cache lives in one process: the Celery worker's writes could not reach it."""
    del settings.CLOSET_LIST_CACHE
    assert not closet_list_cache_enabled()


def test_clearing_an_owner_deletes_every_entry_of_theirs_and_no_one_elses(user, other_user, locmem_cache):
    ItemFactory(owner=user)
    ItemFactory(owner=other_user)
    _results(_client(user))
    Client().get("/closet/")  # signed out: nothing stored
    html = Client()
    html.force_login(user)
    html.get("/closet/")
    _results(_client(other_user))

    def keys_of(owner) -> list[str]:
        # The in-process cache's own table (what a clear must empty); keys carry the owner's id.
        return [key for key in cache._cache if f"closet-list:{owner.pk}:" in key]

    assert len(keys_of(user)) >= 4  # generation, index, an API page, an HTML page
    closet_list_cache_clear(owner_id=user.pk)
    assert keys_of(user) == []
    assert len(keys_of(other_user)) >= 3


def test_json_clients_get_the_cached_bytes_with_the_headers_drf_gives(user, api_client):
    _varied_closet(user)
    first = api_client.get(API)
    second = api_client.get(API)
    assert second.content == first.content and second.json()["count"] == 3
    for response in (first, second):
        assert response["Content-Type"] == "application/json"
        assert "Accept" in response["Vary"] and response["Allow"] == "GET, POST, HEAD, OPTIONS"


def test_each_media_type_and_the_browsable_api_get_their_own_answer(user, api_client):
    _varied_closet(user)
    compact = api_client.get(API).content
    indented = api_client.get(API, HTTP_ACCEPT="application/json; indent=2").content
    assert indented != compact and json.loads(indented) == json.loads(compact)
    assert indented.startswith(b'{\n  "count": 3')
    browsable = api_client.get(API, HTTP_ACCEPT="text/html")
    assert browsable.status_code == 200 and browsable["Content-Type"].startswith("text/html")
    assert b"Camel coat" in browsable.content
    assert api_client.get(API).content == compact


def test_a_bad_filter_is_a_400_and_not_kept(user, api_client):
    _varied_closet(user)
    for _ in range(2):
        response = api_client.get("/api/v1/items/?not_worn_since=yesterday")
        assert response.status_code == 400 and response.json()["code"] == "invalid"
