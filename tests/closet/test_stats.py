"""The closet's stats (closet.selectors.stats), the API (/api/v1/stats/) and the page with its SVG charts (/stats/).

The numbers are checked against a closet built by hand, where every expected value was worked out on paper.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import Profile
from closet.models import Item, ItemStatus
from closet.selectors.stats import closet_stats
from tests.accounts.factories import UserFactory
from tests.closet.factories import ItemFactory, WearFactory, category, colour

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 10)  # a Wednesday; "the last 90 days" start on 13 March


def _item(owner, name, slug, *, colours=(), price=None, currency="", status=ItemStatus.ACTIVE, created_day=1):
    item = ItemFactory(
        owner=owner,
        name=name,
        category=category(slug),
        colours=[colour(c) for c in colours],
        price=Decimal(price) if price is not None else None,
        currency=currency,
        status=status,
    )
    # Fixed creation times: "least worn" breaks ties by how long an item has been owned.
    Item.objects.filter(pk=item.pk).update(created_at=datetime.datetime(2025, 1, created_day, tzinfo=datetime.UTC))
    return item


def _wear(item, *days: str) -> None:
    for day in days:
        WearFactory(owner=item.owner, item=item, worn_on=datetime.date.fromisoformat(day))


@pytest.fixture
def closet(user, other_user):
    coat = _item(user, "Camel coat", "outerwear", colours=["camel"], price="200", currency="EUR", created_day=1)
    jeans = _item(user, "Straight jeans", "bottoms", colours=["denim"], price="80", currency="EUR", created_day=2)
    tee = _item(user, "White tee", "tops", colours=["white", "navy"], price="10", currency="EUR", created_day=3)
    dress = _item(user, "Linen dress", "one-pieces", colours=["cream"], price="150", currency="USD", created_day=4)
    scarf = _item(user, "Silk scarf", "accessories", colours=["navy"], created_day=5)
    sneakers = _item(user, "Canvas sneakers", "shoes", colours=["white"], price="120", currency="GBP", created_day=6)
    hat = _item(user, "Straw hat", "accessories", created_day=7)
    _wear(coat, "2026-06-01", "2026-05-20", "2026-01-10", "2025-12-01")
    _wear(
        jeans,
        "2026-03-23", "2026-03-24", "2026-04-08", "2026-04-30", "2026-05-01", "2026-05-03", "2026-05-25",
        "2026-06-08", "2026-06-09", "2026-06-10",
    )  # fmt: skip
    _wear(tee, "2026-02-01")
    _wear(scarf, "2026-06-10")
    _wear(sneakers, "2026-04-01", "2026-03-20", "2025-11-11")

    # Not in the closet: never counted, their wears neither.
    draft = _item(user, "Draft blazer", "outerwear", colours=["red"], price="999", currency="EUR",
                  status=ItemStatus.DRAFT)  # fmt: skip
    _wear(draft, "2026-06-09")
    donated = _item(user, "Old parka", "outerwear", price="300", currency="EUR", status=ItemStatus.DONATED)
    _wear(donated, "2026-05-05")
    _item(user, "Dream bag", "bags", price="2000", currency="EUR", status=ItemStatus.WISHLIST)

    # Bob's closet: never counted for Alice.
    bobs = _item(other_user, "Bob's coat", "outerwear", colours=["red"], price="500", currency="EUR")
    _wear(bobs, "2026-04-15", "2026-06-10")
    return {"coat": coat, "jeans": jeans, "tee": tee, "dress": dress, "scarf": scarf, "sneakers": sneakers, "hat": hat}


def _names(items) -> list[str]:
    return [item.name for item in items]


class TestTheNumbers:
    def test_items_and_value_count_active_items_only_per_currency(self, user, closet):
        stats = closet_stats(user=user, today=TODAY)
        assert stats.item_count == 7
        assert [(t.currency, t.amount, t.item_count) for t in stats.total_value] == [
            ("EUR", Decimal("290.00"), 3),
            ("USD", Decimal("150.00"), 1),
            ("GBP", Decimal("120.00"), 1),
        ]

    def test_cost_per_wear_best_worst_and_unworn_with_a_price(self, user, closet):
        stats = closet_stats(user=user, today=TODAY)
        assert [(i.name, i.cost_per_wear) for i in stats.best_cost_per_wear] == [
            ("Straight jeans", Decimal("8.00")),
            ("White tee", Decimal("10.00")),
            ("Canvas sneakers", Decimal("40.00")),
            ("Camel coat", Decimal("50.00")),
        ]
        assert _names(stats.worst_cost_per_wear) == ["Camel coat", "Canvas sneakers", "White tee", "Straight jeans"]
        assert _names(stats.unworn_with_price) == ["Linen dress"]
        assert stats.unworn_with_price_count == 1

    def test_most_and_least_worn(self, user, closet):
        stats = closet_stats(user=user, today=TODAY)
        assert [(i.name, i.wear_count) for i in stats.most_worn] == [
            ("Straight jeans", 10), ("Camel coat", 4), ("Canvas sneakers", 3), ("Silk scarf", 1), ("White tee", 1),
        ]  # fmt: skip
        assert [(i.name, i.wear_count) for i in stats.least_worn] == [
            ("Linen dress", 0), ("Straw hat", 0), ("White tee", 1), ("Silk scarf", 1), ("Canvas sneakers", 3),
        ]  # fmt: skip

    def test_worn_and_not_worn_in_the_last_90_days_add_up(self, user, closet):
        stats = closet_stats(user=user, today=TODAY)
        assert stats.recent_since == datetime.date(2026, 3, 13)
        assert stats.worn_recently_count == 4  # coat, jeans, scarf, sneakers
        assert stats.worn_recently_percent == 57.1
        assert stats.not_worn_recently_count == 3
        assert [(i.name, i.last_worn_on) for i in stats.not_worn_recently] == [
            ("Linen dress", None),
            ("Straw hat", None),
            ("White tee", datetime.date(2026, 2, 1)),
        ]

    def test_the_90_day_window_includes_its_first_day(self, user, closet):
        _wear(closet["tee"], "2026-03-13")
        stats = closet_stats(user=user, today=TODAY)
        assert stats.worn_recently_count == 5
        assert "White tee" not in _names(stats.not_worn_recently)

    def test_category_breakdown_per_main_category_most_first(self, user, closet):
        stats = closet_stats(user=user, today=TODAY)
        assert [(c.slug, c.count, c.percent) for c in stats.categories] == [
            ("accessories", 2, 28.6),
            ("tops", 1, 14.3),
            ("bottoms", 1, 14.3),
            ("one-pieces", 1, 14.3),
            ("outerwear", 1, 14.3),
            ("shoes", 1, 14.3),
        ]

    def test_colour_breakdown_with_hex(self, user, closet):
        stats = closet_stats(user=user, today=TODAY)
        assert [(c.slug, c.hex, c.count) for c in stats.colours] == [
            ("white", "#f5f5f0", 2),
            ("navy", "#1f2a44", 2),
            ("cream", "#f3ead3", 1),
            ("camel", "#c19a6b", 1),
            ("denim", "#3b5b92", 1),
        ]

    def test_wears_per_week_for_12_weeks_with_the_quiet_weeks_as_zero(self, user, closet):
        stats = closet_stats(user=user, today=TODAY)
        weeks = [(p.start.isoformat(), p.count) for p in stats.wears_over_time]
        assert weeks == [
            ("2026-03-23", 2), ("2026-03-30", 1), ("2026-04-06", 1), ("2026-04-13", 0), ("2026-04-20", 0),
            ("2026-04-27", 3), ("2026-05-04", 0), ("2026-05-11", 0), ("2026-05-18", 1), ("2026-05-25", 1),
            ("2026-06-01", 1), ("2026-06-08", 4),
        ]  # fmt: skip
        assert stats.wears_over_time[-1].end == datetime.date(2026, 6, 14)
        assert stats.wear_total == 14

    def test_wears_per_month_for_12_months(self, user, closet):
        stats = closet_stats(user=user, today=TODAY, period="month")
        months = [(p.start.isoformat(), p.end.isoformat(), p.count) for p in stats.wears_over_time]
        assert months[0] == ("2025-07-01", "2025-07-31", 0)
        assert [count for _, _, count in months] == [0, 0, 0, 0, 1, 1, 1, 1, 3, 3, 4, 5]
        assert months[7] == ("2026-02-01", "2026-02-28", 1)
        assert months[-1] == ("2026-06-01", "2026-06-30", 5)
        assert stats.wear_total == 19

    def test_months_cross_the_new_year(self, user):
        stats = closet_stats(user=user, today=datetime.date(2026, 1, 31), period="month")
        assert [p.start for p in stats.wears_over_time][:2] == [datetime.date(2025, 2, 1), datetime.date(2025, 3, 1)]
        assert stats.wears_over_time[-1].start == datetime.date(2026, 1, 1)

    def test_an_unknown_period_is_refused(self, user):
        with pytest.raises(ValueError, match="period"):
            closet_stats(user=user, today=TODAY, period="fortnight")

    def test_bobs_numbers_are_his_own(self, other_user, closet):
        stats = closet_stats(user=other_user, today=TODAY)
        assert stats.item_count == 1
        assert [(t.currency, t.amount) for t in stats.total_value] == [("EUR", Decimal("500.00"))]
        assert _names(stats.most_worn) == ["Bob's coat"]
        assert stats.wear_total == 2
        assert [c.slug for c in stats.colours] == ["red"]

    def test_an_empty_closet_has_zeros_and_no_division_by_zero(self, user, other_user, closet):
        stats = closet_stats(user=UserFactory(), today=TODAY)
        assert stats.item_count == 0
        assert stats.total_value == []
        assert stats.best_cost_per_wear == stats.worst_cost_per_wear == stats.unworn_with_price == []
        assert stats.most_worn == stats.least_worn == stats.not_worn_recently == []
        assert stats.worn_recently_percent is None
        assert stats.not_worn_recently_count == 0
        assert stats.categories == stats.colours == []
        assert [p.count for p in stats.wears_over_time] == [0] * 12

    def test_a_closet_of_any_size_takes_the_same_number_of_queries(self, user):
        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                closet_stats(user=user, today=TODAY)
            return len(queries)

        def add(n: int) -> None:
            for index in range(n):
                item = _item(user, f"Garment {index}", "tops", colours=["navy", "white"], price="30", currency="EUR")
                _wear(item, "2026-06-01", "2026-01-01")

        add(3)
        small = count()
        add(30)
        assert count() == small


class TestTheApi:
    @pytest.fixture(autouse=True)
    def _today(self, monkeypatch):
        monkeypatch.setattr("closet.selectors.stats.user_today", lambda *, user: TODAY)

    def test_it_answers_every_number(self, api_client, closet):
        response = api_client.get("/api/v1/stats/")
        assert response.status_code == 200
        body = response.json()
        assert body["today"] == "2026-06-10"
        assert body["item_count"] == 7
        assert body["total_value"][0] == {"currency": "EUR", "amount": "290.00", "item_count": 3}
        best = body["cost_per_wear"]["best"][0]
        assert best == {
            "id": str(closet["jeans"].pk),
            "name": "Straight jeans",
            "category": "bottoms",
            "subcategory": None,
            "wear_count": 10,
            "last_worn_on": "2026-06-10",
            "price": "80.00",
            "currency": "EUR",
            "cost_per_wear": "8.00",
        }
        assert body["cost_per_wear"]["worst"][0]["name"] == "Camel coat"
        assert [i["name"] for i in body["cost_per_wear"]["unworn_with_price"]] == ["Linen dress"]
        assert [i["name"] for i in body["most_worn"]][:2] == ["Straight jeans", "Camel coat"]
        assert [i["name"] for i in body["least_worn"]][:2] == ["Linen dress", "Straw hat"]
        assert body["worn_recently"] == {"days": 90, "since": "2026-03-13", "count": 4, "percent": 57.1}
        assert body["not_worn_recently"]["count"] == 3
        assert [i["name"] for i in body["not_worn_recently"]["items"]] == ["Linen dress", "Straw hat", "White tee"]
        assert body["categories"][0] == {
            "slug": "accessories", "name": "Accessories", "kind": "accessory", "count": 2, "percent": 28.6,
        }  # fmt: skip
        assert body["colours"][0] == {
            "slug": "white", "name": "White", "hex": "#f5f5f0", "is_neutral": True, "count": 2, "percent": 28.6,
        }  # fmt: skip
        wears = body["wears_over_time"]
        assert wears["period"] == "week" and wears["total"] == 14 and len(wears["periods"]) == 12
        assert wears["periods"][3] == {"start": "2026-04-13", "end": "2026-04-19", "count": 0}

    def test_per_month(self, api_client, closet):
        wears = api_client.get("/api/v1/stats/?period=month").json()["wears_over_time"]
        assert wears["period"] == "month"
        assert [p["count"] for p in wears["periods"]] == [0, 0, 0, 0, 1, 1, 1, 1, 3, 3, 4, 5]

    def test_a_bad_period_is_a_400(self, api_client):
        response = api_client.get("/api/v1/stats/?period=fortnight")
        assert response.status_code == 400
        body = response.json()
        assert body["code"] == "invalid"
        assert list(body["errors"]) == ["period"]

    def test_an_empty_closet(self, api_client):
        body = api_client.get("/api/v1/stats/").json()
        assert body["item_count"] == 0
        assert body["worn_recently"]["percent"] is None
        assert body["most_worn"] == [] and body["categories"] == []
        assert [p["count"] for p in body["wears_over_time"]["periods"]] == [0] * 12

    def test_bob_sees_his_own_numbers(self, other_user, closet):
        bob = APIClient()
        bob.force_authenticate(other_user)
        body = bob.get("/api/v1/stats/").json()
        assert body["item_count"] == 1
        assert [i["name"] for i in body["most_worn"]] == ["Bob's coat"]

    def test_signed_out_is_401(self, anonymous_api_client):
        response = anonymous_api_client.get("/api/v1/stats/")
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"

    def test_it_is_documented(self, api_client):
        schema = api_client.get("/api/schema/?format=json").json()
        operation = schema["paths"]["/api/v1/stats/"]["get"]
        assert [p["name"] for p in operation["parameters"]] == ["period"]
        assert "ClosetStats" in operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]


class TestThePage:
    @pytest.fixture
    def browser(self, client, user, monkeypatch):
        monkeypatch.setattr("closet.selectors.stats.user_today", lambda *, user: TODAY)
        client.force_login(user)
        return client

    def test_it_shows_the_headline_numbers(self, browser, closet):
        page = browser.get("/stats/").content.decode()
        assert "7 items · €290 + $150 + £120" in page
        assert "57%" in page and "worn in the last 90 days (4 of 7)" in page
        assert 'href="/closet/?status=active&amp;not_worn_since=2026-03-13">3</a>' in page

    def test_every_chart_is_an_svg_image_with_a_title(self, browser, closet):
        page = browser.get("/stats/").content.decode()
        svgs = re.findall(r"<svg class=\"chart[^>]*>", page)
        assert len(svgs) == 4  # categories, colours, wears over time, most worn
        for svg in svgs:
            assert 'role="img"' in svg and 'viewBox="' in svg and 'width="100%"' in svg
            chart_id = re.search(r'id="([^"]+)"', svg).group(1)
            assert f'aria-labelledby="{chart_id}-title {chart_id}-desc"' in svg
            assert f'<title id="{chart_id}-title">' in page
        assert 'fill="#f5f5f0"' in page  # colour bars in the garment colour
        most_worn = re.search(r'id="chart-most-worn".*?</svg>', page, re.S).group(0)
        assert most_worn.count('<rect class="chart__bar"') == 5
        wears = re.search(r'id="chart-wears".*?</svg>', page, re.S).group(0)
        assert wears.count("<g><title>") == 12
        assert wears.count("chart__column--zero") == 4  # the quiet weeks are drawn, not skipped
        assert "Week of 13 Apr 2026: 0 wears" in wears

    def test_it_lists_items_with_links(self, browser, closet):
        page = browser.get("/stats/").content.decode()
        for key in ("jeans", "coat", "dress", "tee"):
            assert f'href="/closet/items/{closet[key].pk}/"' in page
        assert "Bob&#x27;s coat" not in page and "Bob's coat" not in page
        assert "Draft blazer" not in page and "Old parka" not in page

    def test_item_names_are_escaped_in_charts_and_lists(self, browser, user):
        item = _item(user, "<script>alert(1)</script>", "tops", colours=["navy"])
        _wear(item, "2026-06-01")
        page = browser.get("/stats/").content.decode()
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        chart = re.search(r'<svg class="chart chart--bars" id="chart-most-worn".*?</svg>', page, re.S).group(0)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in chart

    def test_per_month_and_a_bad_period(self, browser, closet):
        assert "in the last 12 months" in browser.get("/stats/?period=month").content.decode()
        response = browser.get("/stats/?period=fortnight")
        assert response.status_code == 400
        assert "per week or per month" in response.content.decode()

    def test_an_empty_closet_gets_a_friendly_page(self, browser):
        response = browser.get("/stats/")
        assert response.status_code == 200
        assert "No numbers yet" in response.content.decode()

    def test_signed_out_people_are_sent_to_sign_in(self, client):
        response = client.get("/stats/")
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]

    def test_the_nav_links_to_it(self, browser):
        assert '<a href="/stats/" aria-current="page">Stats</a>' in browser.get("/stats/").content.decode()


def test_today_is_the_persons_today_where_they_are_not_the_servers(api_client, user, monkeypatch):
    # 20:00 on 9 June in UTC (the server's zone) is already 09:00 on 10 June in Tonga (UTC+13).
    monkeypatch.setattr("django.utils.timezone.now", lambda: datetime.datetime(2026, 6, 9, 20, tzinfo=datetime.UTC))
    Profile.objects.create(user=user, timezone="Pacific/Tongatapu")
    _wear(_item(user, "White tee", "tops"), "2026-06-10")

    body = api_client.get("/api/v1/stats/").json()

    assert body["today"] == "2026-06-10"
    assert body["worn_recently"]["count"] == 1
    assert body["wears_over_time"]["total"] == 1
