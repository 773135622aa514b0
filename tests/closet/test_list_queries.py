"""The closet list costs a fixed number of SQL queries, whatever the page size and whatever each item carries
(colours, tags, a photo, wears): no query per row, on the API or on the HTML page, filtered or not, with the
list cache off or on and cold."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.closet.factories import ItemFactory, ItemPhotoFactory, TagFactory, WearFactory, colour

pytestmark = pytest.mark.django_db

FILTERED = "q=garment&colour=navy&season=winter&tag=work&status=active&not_worn_since=2026-03-01&ordering=-wear_count"


def _add_items(owner, count: int, tags) -> None:
    navy, white = colour("navy"), colour("white")
    for n in range(count):
        item = ItemFactory(
            owner=owner, name=f"Garment {n}", colours=[navy, white], season_winter=True, price=50, currency="EUR"
        )
        item.tags.set(tags)
        ItemPhotoFactory(owner=owner, item=item, is_primary=True)
        WearFactory(owner=owner, item=item, worn_on=datetime.date(2026, 1, 1))
        WearFactory(owner=owner, item=item, worn_on=datetime.date(2026, 2, 1))


def _count(client, url: str) -> int:
    cache.clear()  # a cold list cache (closet/list_cache.py): the page is computed, not read back
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(queries)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/items/?page_size=100",
        f"/api/v1/items/?page_size=100&{FILTERED}",
        "/closet/",
        f"/closet/?{FILTERED}",
    ],
)
@pytest.mark.parametrize("list_cache", [False, True], ids=["cache off", "cache on, cold"])
def test_the_list_needs_as_many_queries_for_100_items_as_for_5(user, url, list_cache, settings):
    settings.CLOSET_LIST_CACHE = list_cache
    tags = [TagFactory(owner=user, name="work"), TagFactory(owner=user, name="linen")]
    _add_items(user, 5, tags)
    if url.startswith("/api/"):
        client = APIClient()
        client.force_authenticate(user)
    else:
        client = Client()
        client.force_login(user)
    client.get(url)  # the first request of a session warms caches (content types, the site) that are not per item

    with_five = _count(client, url)
    _add_items(user, 95, tags)
    with_hundred = _count(client, url)

    assert with_five == with_hundred, f"{url}: {with_five} queries for 5 items, {with_hundred} for 100"


def test_the_page_shows_what_was_counted(user, api_client):
    """The counts above prove nothing if the page came back empty or without the prefetched data."""
    _add_items(user, 3, [TagFactory(owner=user, name="work")])
    results = api_client.get(f"/api/v1/items/?page_size=100&{FILTERED}").json()["results"]
    assert len(results) == 3
    assert all(r["colours"] == ["white", "navy"] and r["tags"] == ["work"] and r["photo_url"] for r in results)
    assert all(r["wear_count"] == 2 and r["cost_per_wear"] == "25.00" for r in results)
