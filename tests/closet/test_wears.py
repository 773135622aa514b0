"""The wear log and laundry: idempotent per day, never in the future, the only source of every wear number."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Profile
from closet.models import Item, Wear
from closet.selectors.items import item_list, item_needs_wash, items_with_wear_stats
from closet.services.wears import item_wash_log, wear_log
from tests.closet.factories import ItemFactory, OutfitFactory, OutfitItemFactory, WearFactory

pytestmark = [pytest.mark.django_db, pytest.mark.promise("CLO-3")]

WEARS = "/api/v1/wears/"
WASHED = "/api/v1/wears/washed/"


def _today() -> datetime.date:
    return timezone.localdate()


def _days_ago(n: int) -> datetime.date:
    return _today() - datetime.timedelta(days=n)


def _stats(user, item: Item) -> Item:
    return items_with_wear_stats(item_list(user=user)).get(pk=item.pk)


# --- logging ------------------------------------------------------------------------------------------------------


def test_worn_today_logs_one_wear_and_logging_it_again_the_same_day_is_a_no_op(user):
    item = ItemFactory(owner=user)

    first = wear_log(owner=user, item=item)
    again = wear_log(owner=user, item=item)

    assert first.created == 1 and again.created == 0
    assert again.wears[0].pk == first.wears[0].pk
    assert list(Wear.objects.filter(item=item).values_list("worn_on", flat=True)) == [_today()]


def test_the_api_answers_201_for_a_new_wear_and_200_when_it_was_already_logged(api_client, user):
    item = ItemFactory(owner=user)

    created = api_client.post(WEARS, {"item": str(item.pk), "worn_on": str(_days_ago(1))}, format="json")
    repeated = api_client.post(WEARS, {"item": str(item.pk), "worn_on": str(_days_ago(1))}, format="json")

    assert created.status_code == 201, created.json()
    assert created.json()["created"] == 1
    assert created.json()["wears"][0]["item"] == str(item.pk)
    assert repeated.status_code == 200
    assert repeated.json()["created"] == 0
    assert Wear.objects.filter(item=item).count() == 1


def test_a_future_day_is_refused(api_client, user):
    item = ItemFactory(owner=user)

    response = api_client.post(
        WEARS, {"item": str(item.pk), "worn_on": str(_today() + datetime.timedelta(days=2))}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "has not come yet" in response.json()["errors"]["worn_on"][0]
    assert not Wear.objects.exists()


def test_tomorrow_in_the_profile_time_zone_is_refused_but_today_there_is_accepted(user):
    Profile.objects.create(user=user, timezone="Pacific/Kiritimati")  # UTC+14: often a day ahead of the server
    item = ItemFactory(owner=user)
    today_there = timezone.localtime(timezone=datetime.timezone(datetime.timedelta(hours=14))).date()

    assert wear_log(owner=user, item=item, worn_on=today_there).created == 1
    with pytest.raises(ValidationError):
        wear_log(owner=user, item=item, worn_on=today_there + datetime.timedelta(days=1))


def test_an_outfit_wear_logs_each_of_its_items_with_the_outfit(api_client, user):
    outfit = OutfitFactory(owner=user)
    top, trousers = OutfitItemFactory(outfit=outfit).item, OutfitItemFactory(outfit=outfit, position=1).item

    response = api_client.post(WEARS, {"outfit": str(outfit.pk)}, format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["created"] == 2
    wears = Wear.objects.filter(owner=user)
    assert {w.item_id for w in wears} == {top.pk, trousers.pk}
    assert all(w.outfit_id == outfit.pk and w.worn_on == _today() for w in wears)


def test_an_outfit_wear_keeps_a_garment_already_logged_that_day_once(user):
    outfit = OutfitFactory(owner=user)
    top = OutfitItemFactory(outfit=outfit).item
    OutfitItemFactory(outfit=outfit, position=1)
    wear_log(owner=user, item=top)

    logged = wear_log(owner=user, outfit=outfit)

    assert logged.created == 1
    assert Wear.objects.filter(item=top).count() == 1


def test_another_users_item_or_outfit_is_an_unknown_one_and_nothing_is_logged(api_client, user, other_user):
    bobs_item = ItemFactory(owner=other_user)
    bobs_outfit = OutfitItemFactory(outfit=OutfitFactory(owner=other_user)).outfit

    for body in ({"item": str(bobs_item.pk)}, {"outfit": str(bobs_outfit.pk)}):
        response = api_client.post(WEARS, body, format="json")
        assert response.status_code == 400
        field = next(iter(body))
        assert response.json()["errors"][field] == [f"Unknown {field}."]
    with pytest.raises(ValidationError):
        wear_log(owner=user, item=bobs_item)
    assert not Wear.objects.exists()


@pytest.mark.parametrize(
    "body",
    [{}, {"item": "not-an-id"}, {"item": 42}, {"worn_on": "yesterday"}, {"item": None, "outfit": None}],
)
def test_a_malformed_wear_is_a_400_never_a_500(api_client, user, body):
    item = ItemFactory(owner=user)
    if "worn_on" in body:
        body = {**body, "item": str(item.pk)}

    response = api_client.post(WEARS, body, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_an_item_and_an_outfit_together_are_refused(api_client, user):
    item = ItemFactory(owner=user)
    outfit = OutfitItemFactory(outfit=OutfitFactory(owner=user)).outfit

    response = api_client.post(WEARS, {"item": str(item.pk), "outfit": str(outfit.pk)}, format="json")

    assert response.status_code == 400
    assert not Wear.objects.exists()


# --- the wear log is the only source of the numbers -----------------------------------------------------------------


def test_wear_count_last_worn_and_cost_per_wear_come_from_the_log_and_drop_when_a_wear_is_undone(api_client, user):
    item = ItemFactory(owner=user, price=Decimal("90.00"), currency="EUR")
    for days in (9, 5, 2):
        api_client.post(WEARS, {"item": str(item.pk), "worn_on": str(_days_ago(days))}, format="json")

    before = api_client.get(f"/api/v1/items/{item.pk}/").json()
    assert (before["wear_count"], before["last_worn_on"], before["cost_per_wear"]) == (3, str(_days_ago(2)), "30.00")

    latest = Wear.objects.get(item=item, worn_on=_days_ago(2))
    assert api_client.delete(f"{WEARS}{latest.pk}/").status_code == 204

    after = api_client.get(f"/api/v1/items/{item.pk}/").json()
    assert (after["wear_count"], after["last_worn_on"], after["cost_per_wear"]) == (2, str(_days_ago(5)), "45.00")


def test_the_list_filters_by_item_outfit_and_date_range(api_client, user, other_user):
    coat, scarf = ItemFactory(owner=user), ItemFactory(owner=user)
    outfit = OutfitFactory(owner=user)
    WearFactory(owner=user, item=coat, worn_on=datetime.date(2026, 1, 5))
    WearFactory(owner=user, item=coat, worn_on=datetime.date(2026, 2, 5), outfit=outfit)
    WearFactory(owner=user, item=scarf, worn_on=datetime.date(2026, 1, 20))
    WearFactory(owner=other_user, worn_on=datetime.date(2026, 1, 10))

    def days(query: str) -> list[str]:
        response = api_client.get(f"{WEARS}?{query}")
        assert response.status_code == 200
        return [wear["worn_on"] for wear in response.json()["results"]]

    assert days("") == ["2026-02-05", "2026-01-20", "2026-01-05"]
    assert days(f"item={coat.pk}") == ["2026-02-05", "2026-01-05"]
    assert days(f"outfit={outfit.pk}") == ["2026-02-05"]
    assert days("worn_from=2026-01-06&worn_to=2026-01-31") == ["2026-01-20"]
    assert days(f"item={coat.pk}&worn_to=2026-01-05") == ["2026-01-05"]


@pytest.mark.parametrize("query", ["item=nope", "worn_from=2026-13-01", "worn_to=soon"])
def test_a_malformed_filter_is_a_400(api_client, user, query):
    response = api_client.get(f"{WEARS}?{query}")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


# --- laundry ------------------------------------------------------------------------------------------------------


def test_the_laundry_counter_counts_wears_since_the_last_wash_and_washed_resets_it(api_client, user):
    item = ItemFactory(owner=user, wash_interval=2)
    for days in (6, 5):
        wear_log(owner=user, item=item, worn_on=_days_ago(days))
    worn = _stats(user, item)
    assert worn.wears_since_wash == 2 and item_needs_wash(worn)

    response = api_client.post(WASHED, {"item": str(item.pk), "washed_on": str(_days_ago(4))}, format="json")

    assert response.status_code == 200, response.json()
    assert response.json() == {
        "id": str(item.pk),
        "name": item.name,
        "last_washed_on": str(_days_ago(4)),
        "wash_interval": 2,
        "wears_since_wash": 0,
        "needs_wash": False,
    }
    wear_log(owner=user, item=item, worn_on=_days_ago(3))
    assert _stats(user, item).wears_since_wash == 1
    assert _stats(user, item).wear_count == 3  # washing resets the laundry counter, not the wear history


def test_washed_defaults_to_today_and_an_earlier_wash_never_makes_a_garment_dirtier(user):
    item = ItemFactory(owner=user)
    item_wash_log(owner=user, item=item)
    assert Item.objects.get(pk=item.pk).last_washed_on == _today()

    item_wash_log(owner=user, item=item, washed_on=_days_ago(10))

    assert Item.objects.get(pk=item.pk).last_washed_on == _today()


def test_washed_refuses_the_future_and_another_users_item(api_client, user, other_user):
    mine, bobs = ItemFactory(owner=user), ItemFactory(owner=other_user)

    future = api_client.post(
        WASHED, {"item": str(mine.pk), "washed_on": str(_today() + datetime.timedelta(days=3))}, format="json"
    )
    foreign = api_client.post(WASHED, {"item": str(bobs.pk)}, format="json")

    assert future.status_code == 400 and "washed_on" in future.json()["errors"]
    assert foreign.status_code == 400 and foreign.json()["errors"]["item"] == ["Unknown item."]
    assert Item.objects.get(pk=bobs.pk).last_washed_on is None
    assert Item.objects.get(pk=mine.pk).last_washed_on is None


# --- the item page ------------------------------------------------------------------------------------------------


def test_the_item_page_has_the_wear_and_laundry_buttons_and_recent_wears(client, user):
    item = ItemFactory(owner=user)
    wear = WearFactory(owner=user, item=item, worn_on=datetime.date(2026, 1, 3))
    client.force_login(user)

    page = client.get(reverse("closet:item-detail", kwargs={"pk": item.pk})).content.decode()

    assert "Worn today" in page and "Washed today" in page
    assert reverse("closet:item-wear", kwargs={"pk": item.pk}) in page
    assert reverse("closet:wear-delete", kwargs={"pk": wear.pk}) in page
    assert 'for="worn-on-' in page  # the date field has a label


def test_worn_today_and_worn_on_a_day_from_the_item_page(client, user):
    item = ItemFactory(owner=user)
    client.force_login(user)
    url = reverse("closet:item-wear", kwargs={"pk": item.pk})

    today = client.post(url)
    earlier = client.post(url, {"worn_on": str(_days_ago(3))})
    again = client.post(url, {"worn_on": str(_days_ago(3))}, follow=True)

    assert today.status_code == 302 and today["Location"] == reverse("closet:item-detail", kwargs={"pk": item.pk})
    assert earlier.status_code == 302
    assert "already logged" in again.content.decode()
    assert sorted(Wear.objects.filter(item=item).values_list("worn_on", flat=True)) == [_days_ago(3), _today()]


def test_the_item_page_refuses_a_future_day_or_a_bad_date_with_a_message(client, user):
    item = ItemFactory(owner=user)
    client.force_login(user)
    url = reverse("closet:item-wear", kwargs={"pk": item.pk})

    future = client.post(url, {"worn_on": str(_today() + datetime.timedelta(days=5))}, follow=True)
    garbage = client.post(url, {"worn_on": "31/31/2026"}, follow=True)

    assert "has not come yet" in future.content.decode()
    assert "not a date we can read" in garbage.content.decode()
    assert not Wear.objects.exists()


def test_washed_and_undo_from_the_item_page(client, user):
    item = ItemFactory(owner=user)
    wear = WearFactory(owner=user, item=item, worn_on=_days_ago(1))
    client.force_login(user)

    washed = client.post(reverse("closet:item-washed", kwargs={"pk": item.pk}))
    undone = client.post(reverse("closet:wear-delete", kwargs={"pk": wear.pk}))

    assert washed.status_code == 302 and undone.status_code == 302
    assert Item.objects.get(pk=item.pk).last_washed_on == _today()
    assert not Wear.objects.filter(pk=wear.pk).exists()


def test_an_unsafe_next_address_is_ignored(client, user):
    item = ItemFactory(owner=user)
    client.force_login(user)

    response = client.post(reverse("closet:item-wear", kwargs={"pk": item.pk}), {"next": "https://evil.example/"})

    assert response["Location"] == reverse("closet:item-detail", kwargs={"pk": item.pk})


def test_another_users_item_and_wear_answer_404_on_the_wear_buttons(client, user, other_user):
    bobs_item = ItemFactory(owner=other_user)
    bobs_wear = WearFactory(owner=other_user, item=bobs_item)
    client.force_login(user)

    assert client.post(reverse("closet:item-wear", kwargs={"pk": bobs_item.pk})).status_code == 404
    assert client.post(reverse("closet:item-washed", kwargs={"pk": bobs_item.pk})).status_code == 404
    assert client.post(reverse("closet:wear-delete", kwargs={"pk": bobs_wear.pk})).status_code == 404
    assert Wear.objects.filter(item=bobs_item).count() == 1
    assert Item.objects.get(pk=bobs_item.pk).last_washed_on is None


def test_the_wear_buttons_answer_only_post(client, user):
    item = ItemFactory(owner=user)
    client.force_login(user)

    assert client.get(reverse("closet:item-wear", kwargs={"pk": item.pk})).status_code == 405
