"""Search, filter and sort on the closet: the API (/api/v1/items/) and the HTML list (/closet/) share one FilterSet."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from closet.models import ItemStatus
from tests.closet.factories import ItemFactory, TagFactory, WearFactory, category, colour

pytestmark = pytest.mark.django_db


def _names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["results"]]


def _found(api_client, query: str) -> set[str]:
    return set(_names(api_client.get(f"/api/v1/items/?{query}")))


def _wear(item, *days: str) -> None:
    for day in days:
        WearFactory(owner=item.owner, item=item, worn_on=datetime.date.fromisoformat(day))


@pytest.fixture
def closet(user, other_user):
    """Alice's closet, and a look-alike item of Bob's that no filter may ever return to Alice."""
    work = TagFactory(owner=user, name="work")
    holiday = TagFactory(owner=user, name="holiday")
    coat = ItemFactory(
        owner=user,
        name="Camel wool coat",
        category=category("outerwear"),
        subcategory=category("coats"),
        colours=[colour("camel")],
        brand="COS",
        material="wool",
        season_autumn=True,
        season_winter=True,
        price=Decimal("200.00"),
        currency="EUR",
    )
    coat.tags.set([work])
    tee = ItemFactory(
        owner=user,
        name="Striped tee",
        category=category("tops"),
        subcategory=category("t-shirts"),
        colours=[colour("navy"), colour("white")],
        brand="Armor Lux",
        material="cotton",
        notes="Bought in Brittany",
        season_summer=True,
        price=Decimal("40.00"),
        currency="EUR",
    )
    tee.tags.set([holiday])
    jeans = ItemFactory(
        owner=user,
        name="Straight jeans",
        category=category("bottoms"),
        subcategory=category("jeans"),
        colours=[colour("denim")],
        brand="Levi's",
        price=Decimal("90.00"),
        currency="EUR",
    )
    scarf = ItemFactory(owner=user, name="Silk scarf", category=category("accessories"), colours=[colour("navy")])
    draft = ItemFactory(owner=user, name="Draft navy shirt", status=ItemStatus.DRAFT, colours=[colour("navy")])
    wish = ItemFactory(owner=user, name="Wishlist loafers", category=category("shoes"), status=ItemStatus.WISHLIST)
    _wear(coat, "2026-01-05", "2026-02-05", "2026-03-05", "2026-04-05")  # 4 wears: 50.00 per wear
    _wear(tee, "2026-05-01", "2026-05-02")  # 2 wears: 20.00 per wear
    _wear(jeans, "2025-11-01")  # 1 wear: 90.00 per wear
    bob_tag = TagFactory(owner=other_user, name="secret")
    bobs = ItemFactory(
        owner=other_user, name="Camel wool coat (Bob)", category=category("outerwear"), colours=[colour("camel")]
    )
    bobs.tags.set([bob_tag])
    _wear(bobs, "2026-05-01")
    return {"coat": coat, "tee": tee, "jeans": jeans, "scarf": scarf, "draft": draft, "wish": wish}


class TestTheApiFilters:
    def test_without_parameters_it_lists_every_status_of_alices_items_only(self, api_client, closet):
        assert _found(api_client, "") == {
            "Camel wool coat", "Striped tee", "Straight jeans", "Silk scarf", "Draft navy shirt", "Wishlist loafers",
        }  # fmt: skip

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("q=coat", {"Camel wool coat"}),
            ("q=armor", {"Striped tee"}),  # brand
            ("q=brittany", {"Striped tee"}),  # notes
            ("q=WOOL", {"Camel wool coat"}),  # name and material, any case
            ("q=cotton", {"Striped tee"}),  # material
            ("q=holiday", {"Striped tee"}),  # tag
            ("q=camel+cos", {"Camel wool coat"}),  # every word must match somewhere
            ("q=camel+levi", set()),
            ("q=secret", set()),  # Bob's tag
        ],
    )
    def test_search_looks_in_name_brand_notes_material_and_tags(self, api_client, closet, query, expected):
        assert _found(api_client, query) == expected

    def test_category_takes_a_main_category_or_a_subcategory(self, api_client, closet):
        assert _found(api_client, "category=outerwear") == {"Camel wool coat"}
        assert _found(api_client, "category=coats") == {"Camel wool coat"}
        assert _found(api_client, "category=t-shirts") == {"Striped tee"}
        assert _found(api_client, "category=jackets") == set()

    def test_colour(self, api_client, closet):
        assert _found(api_client, "colour=navy") == {"Striped tee", "Silk scarf", "Draft navy shirt"}
        assert _found(api_client, "colour=camel") == {"Camel wool coat"}

    def test_season(self, api_client, closet):
        assert _found(api_client, "season=winter") == {"Camel wool coat"}
        assert _found(api_client, "season=summer") == {"Striped tee"}

    def test_tag_is_one_of_alices_own(self, api_client, closet):
        assert _found(api_client, "tag=work") == {"Camel wool coat"}
        response = api_client.get("/api/v1/items/?tag=secret")  # Bob's tag does not exist for Alice
        assert response.status_code == 400
        assert "tag" in response.json()["errors"]

    def test_status_one_or_several(self, api_client, closet):
        assert _found(api_client, "status=draft") == {"Draft navy shirt"}
        assert _found(api_client, "status=wishlist&status=draft") == {"Wishlist loafers", "Draft navy shirt"}

    def test_not_worn_since_keeps_items_last_worn_before_the_day_and_items_never_worn(self, api_client, closet):
        assert _found(api_client, "not_worn_since=2026-04-05&status=active") == {
            "Straight jeans",  # last worn 2025-11-01
            "Silk scarf",  # never worn
        }
        # A wear on the day itself counts as worn since.
        assert "Camel wool coat" in _found(api_client, "not_worn_since=2026-04-06")
        assert "Camel wool coat" not in _found(api_client, "not_worn_since=2026-04-05")

    def test_filters_combine(self, api_client, closet):
        # Navy and active: the tee (worn in May) and the scarf (never worn); only the scarf is unworn since January.
        assert _found(api_client, "colour=navy&status=active&not_worn_since=2026-01-01") == {"Silk scarf"}
        assert _found(api_client, "q=striped&colour=navy&season=summer&tag=holiday&category=tops") == {"Striped tee"}
        assert _found(api_client, "q=striped&colour=camel") == set()

    def test_filtering_on_tags_and_colours_does_not_change_wear_counts(self, api_client, closet):
        closet["coat"].tags.add(TagFactory(owner=closet["coat"].owner, name="wool-work"))
        response = api_client.get("/api/v1/items/?q=work&colour=camel")
        [coat] = response.json()["results"]
        assert coat["wear_count"] == 4
        assert coat["cost_per_wear"] == "50.00"


class TestTheApiSort:
    def _order(self, api_client, ordering: str) -> list[str]:
        return _names(api_client.get(f"/api/v1/items/?status=active&ordering={ordering}"))

    def test_newest_first_by_default_and_oldest_first_on_request(self, api_client, closet):
        default = _names(api_client.get("/api/v1/items/?status=active"))
        assert default == ["Silk scarf", "Straight jeans", "Striped tee", "Camel wool coat"]
        assert self._order(api_client, "created_at") == list(reversed(default))

    def test_by_name(self, api_client, closet):
        assert self._order(api_client, "name") == ["Camel wool coat", "Silk scarf", "Straight jeans", "Striped tee"]

    def test_most_and_least_worn(self, api_client, closet):
        assert self._order(api_client, "-wear_count") == [
            "Camel wool coat",
            "Striped tee",
            "Straight jeans",
            "Silk scarf",
        ]
        assert self._order(api_client, "wear_count") == [
            "Silk scarf",
            "Straight jeans",
            "Striped tee",
            "Camel wool coat",
        ]

    def test_last_worn_puts_never_worn_last_both_ways(self, api_client, closet):
        assert self._order(api_client, "-last_worn_on") == [
            "Striped tee", "Camel wool coat", "Straight jeans", "Silk scarf",
        ]  # fmt: skip
        assert self._order(api_client, "last_worn_on") == [
            "Straight jeans", "Camel wool coat", "Striped tee", "Silk scarf",
        ]  # fmt: skip

    def test_cost_per_wear_puts_items_without_one_last_both_ways(self, api_client, closet):
        # tee 20.00, coat 50.00, jeans 90.00; the scarf has no price, so no cost per wear.
        assert self._order(api_client, "cost_per_wear") == [
            "Striped tee", "Camel wool coat", "Straight jeans", "Silk scarf",
        ]  # fmt: skip
        assert self._order(api_client, "-cost_per_wear") == [
            "Straight jeans", "Camel wool coat", "Striped tee", "Silk scarf",
        ]  # fmt: skip

    def test_price_puts_items_without_one_last(self, api_client, closet):
        assert self._order(api_client, "-price") == ["Camel wool coat", "Straight jeans", "Striped tee", "Silk scarf"]
        assert self._order(api_client, "price") == ["Striped tee", "Straight jeans", "Camel wool coat", "Silk scarf"]

    def test_sort_and_filters_combine_and_pages_keep_them(self, api_client, closet):
        response = api_client.get("/api/v1/items/?status=active&ordering=-wear_count&page_size=2&q=e")
        body = response.json()
        assert [item["name"] for item in body["results"]] == ["Camel wool coat", "Striped tee"]
        assert "ordering=-wear_count" in body["next"] and "q=e" in body["next"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("category=jumpers", "category"),
        ("colour=ultraviolet", "colour"),
        ("season=monsoon", "season"),
        ("status=lost", "status"),
        ("not_worn_since=2026-13-45", "not_worn_since"),
        ("not_worn_since=yesterday", "not_worn_since"),
        ("ordering=-popularity", "ordering"),
        ("ordering=owner", "ordering"),
        ("q=" + "x" * 101, "q"),
    ],
)
def test_bad_filter_values_answer_400_with_the_field_named(api_client, closet, query, field):
    response = api_client.get(f"/api/v1/items/?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["detail"]
    assert list(body["errors"]) == [field]


class TestTheHtmlList:
    @pytest.fixture
    def browser(self, client, user):
        client.force_login(user)
        return client

    def test_it_leaves_drafts_out_unless_asked(self, browser, closet):
        page = browser.get("/closet/").content.decode()
        assert "Camel wool coat" in page and "Wishlist loafers" in page
        assert "Draft navy shirt" not in page
        assert "Draft navy shirt" in browser.get("/closet/?status=draft").content.decode()

    def test_it_applies_the_same_filters_and_sort(self, browser, closet):
        response = browser.get("/closet/?colour=navy&ordering=name")
        assert response.status_code == 200
        assert [item["name"] for item in response.context["items"]] == ["Silk scarf", "Striped tee"]
        response = browser.get("/closet/?q=coat&season=winter&category=outerwear&tag=work")
        assert [item["name"] for item in response.context["items"]] == ["Camel wool coat"]
        assert "Camel wool coat (Bob)" not in response.content.decode()

    def test_the_filter_bar_shows_the_current_choices(self, browser, closet):
        page = browser.get("/closet/?q=wool&colour=camel&ordering=-wear_count").content.decode()
        assert 'name="q" value="wool"' in page
        assert '<option value="camel" selected>' in page
        assert '<option value="-wear_count" selected>' in page
        assert 'href="/closet/">Clear filters' in page

    def test_the_not_worn_toggle_asks_for_90_days(self, browser, closet):
        since = (timezone.localdate() - datetime.timedelta(days=89)).isoformat()
        page = browser.get("/closet/").content.decode()
        assert f'name="not_worn_since" value="{since}">' in page
        response = browser.get(f"/closet/?not_worn_since={since}")
        assert f'name="not_worn_since" value="{since}" checked>' in response.content.decode()

    def test_bad_input_shows_the_message_and_lists_nothing(self, browser, closet):
        response = browser.get("/closet/?category=jumpers&not_worn_since=soon")
        assert response.status_code == 400
        page = response.content.decode()
        assert "could not be applied" in page
        assert "<strong>Category</strong> (“jumpers”): Select a valid choice." in page
        assert "<strong>Not worn since</strong> (“soon”): Enter a valid date." in page
        assert list(response.context["items"]) == []
        assert "Camel wool coat" not in page

    def test_htmx_gets_the_message_with_a_200_so_it_is_swapped_in(self, browser, closet):
        response = browser.get("/closet/?ordering=bogus", headers={"HX-Request": "true"})
        assert response.status_code == 200
        assert "could not be applied" in response.content.decode()

    def test_no_match_says_so(self, browser, closet):
        page = browser.get("/closet/?q=tuxedo").content.decode()
        assert "Nothing in your closet matches these filters." in page
        assert "closet-filters--no-results" in page

    def test_pages_keep_the_filters(self, browser, user):
        for n in range(61):
            ItemFactory(owner=user, name=f"Navy sock {n}", colours=[colour("navy")])
        ItemFactory(owner=user, name="Red sock")
        response = browser.get("/closet/?colour=navy&q=sock")
        assert response.context["paginator"].count == 61
        assert 'href="?colour=navy&amp;q=sock&amp;page=2"' in response.content.decode()
        second = browser.get("/closet/?colour=navy&q=sock&page=2")
        assert [item["name"] for item in second.context["items"]] == ["Navy sock 0"]

    def test_signed_out_people_are_sent_to_sign_in(self, client):
        response = client.get("/closet/?q=coat")
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_empty_values_mean_no_filter_as_a_form_sends_them(api_client, client, user, closet):
    blank = "q=&category=&colour=&season=&tag=&status=&not_worn_since=&ordering="
    assert len(_found(api_client, blank)) == 6
    client.force_login(user)
    response = client.get(f"/closet/?{blank}")
    assert response.status_code == 200
    assert len(response.context["items"]) == 5  # all but the draft


def test_cost_per_wear_keeps_its_cents_for_whole_number_prices(api_client, user):
    """SQLite keeps 10.00 as an integer: 10 / 4 must still be 2.50, not 2, or the sort goes wrong."""
    for name, price, wears in [("Ten over four", "10.00", 4), ("Nine over four", "9.00", 4), ("Two ten", "2.10", 1)]:
        item = ItemFactory(owner=user, name=name, price=Decimal(price), currency="EUR")
        _wear(item, *[f"2026-01-0{day}" for day in range(1, wears + 1)])
    results = api_client.get("/api/v1/items/?ordering=cost_per_wear").json()["results"]
    assert [(r["name"], r["cost_per_wear"]) for r in results] == [
        ("Two ten", "2.10"),
        ("Nine over four", "2.25"),
        ("Ten over four", "2.50"),
    ]
