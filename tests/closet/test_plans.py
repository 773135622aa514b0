"""Plans (week and month calendars, "wore it") and trips with packing lists of the user's own things only."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from closet.models import PackingEntry, Plan, Trip, Wear
from closet.services.plans import packing_entry_create, plan_create, plan_wear_log, trip_create
from tests.closet.factories import (
    ItemFactory,
    OutfitFactory,
    OutfitItemFactory,
    PackingEntryFactory,
    PlanFactory,
    TripFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.promise("CLO-3")]

PLANS = "/api/v1/plans/"
TRIPS = "/api/v1/trips/"


def _today() -> datetime.date:
    return timezone.localdate()


def _outfit(owner, items: int = 2):
    outfit = OutfitFactory(owner=owner)
    for position in range(items):
        OutfitItemFactory(outfit=outfit, position=position)
    return outfit


def _days(response) -> list[datetime.date]:
    return [day.date for day in response.context["days"]]


# --- the calendar -------------------------------------------------------------------------------------------------


def test_the_week_view_shows_this_week_by_default_with_today_marked(client, user):
    client.force_login(user)
    today = _today()

    response = client.get(reverse("closet:plan-week"))

    monday = today - datetime.timedelta(days=today.weekday())
    assert response.status_code == 200
    assert _days(response) == [monday + datetime.timedelta(days=n) for n in range(7)]
    page = response.content.decode()
    assert page.count('aria-current="date"') == 1
    marked = page.index('aria-current="date"')
    assert f'<time datetime="{today:%Y-%m-%d}"' in page[marked : marked + 200]


def test_the_week_view_shows_the_iso_week_asked_for_with_its_plans(client, user):
    PlanFactory(owner=user, planned_on=datetime.date(2026, 11, 25), outfit=OutfitFactory(owner=user, name="Wednesday"))
    PlanFactory(owner=user, planned_on=datetime.date(2026, 11, 30), outfit=OutfitFactory(owner=user, name="Next week"))
    PlanFactory(planned_on=datetime.date(2026, 11, 25), outfit__name="Bob's plan")  # someone else's
    client.force_login(user)

    response = client.get(reverse("closet:plan-week"), {"week": "2026-W48"})

    assert _days(response) == [datetime.date(2026, 11, 23) + datetime.timedelta(days=n) for n in range(7)]
    wednesday = response.context["days"][2]
    assert [plan.outfit.name for plan in wednesday.plans] == ["Wednesday"]
    page = response.content.decode()
    assert "Week 48, 2026" in page and 'plan-entry__name">Wednesday<' in page
    assert 'plan-entry__name">Next week<' not in page and "Bob&#x27;s plan" not in page
    assert "?week=2026-W47" in page and "?week=2026-W49" in page


def test_2026_has_an_iso_week_53_that_runs_into_2027(client, user):
    assert datetime.date.fromisocalendar(2026, 53, 1) == datetime.date(2026, 12, 28)
    client.force_login(user)

    response = client.get(reverse("closet:plan-week"), {"week": "2026-W53"})

    assert _days(response)[0] == datetime.date(2026, 12, 28)
    assert _days(response)[-1] == datetime.date(2027, 1, 3)
    page = response.content.decode()
    assert "?week=2026-W52" in page and "?week=2027-W01" in page


@pytest.mark.parametrize("week", ["2025-W53", "2026-W00", "2026-W54", "nonsense", "9999-W52", "2026-W1"])
def test_a_week_that_does_not_exist_shows_this_week_with_a_notice(client, user, week):
    client.force_login(user)
    today = _today()

    response = client.get(reverse("closet:plan-week"), {"week": week}, follow=True)

    assert response.status_code == 200
    assert today in _days(response)
    assert "not in the calendar" in response.content.decode()


def test_the_month_view_covers_whole_weeks_across_the_month_boundary(client, user):
    PlanFactory(owner=user, planned_on=datetime.date(2026, 11, 30), outfit=OutfitFactory(owner=user, name="Last day"))
    PlanFactory(owner=user, planned_on=datetime.date(2026, 12, 1), outfit=OutfitFactory(owner=user, name="December"))
    PlanFactory(owner=user, planned_on=datetime.date(2026, 12, 7), outfit=OutfitFactory(owner=user, name="Later"))
    client.force_login(user)

    response = client.get(reverse("closet:plan-month"), {"month": "2026-11"})

    days = {day.date: day for day in response.context["days"]}
    assert min(days) == datetime.date(2026, 10, 26) and max(days) == datetime.date(2026, 12, 6)
    assert len(response.context["weeks"]) == 6 and all(len(week) == 7 for week in response.context["weeks"])
    assert days[datetime.date(2026, 11, 1)].in_period and days[datetime.date(2026, 11, 30)].in_period
    assert not days[datetime.date(2026, 10, 31)].in_period and not days[datetime.date(2026, 12, 1)].in_period
    assert [p.outfit.name for p in days[datetime.date(2026, 11, 30)].plans] == ["Last day"]
    assert [p.outfit.name for p in days[datetime.date(2026, 12, 1)].plans] == ["December"]
    page = response.content.decode()
    assert "November 2026" in page and 'plan-entry__name">Last day<' in page
    assert 'plan-entry__name">Later<' not in page
    assert "?month=2026-10" in page and "?month=2026-12" in page


def test_the_month_view_steps_over_the_year(client, user):
    client.force_login(user)

    page = client.get(reverse("closet:plan-month"), {"month": "2026-12"}).content.decode()

    assert "?month=2026-11" in page and "?month=2027-01" in page


def test_the_month_view_shows_this_month_by_default_with_today_marked(client, user):
    client.force_login(user)
    today = _today()

    response = client.get(reverse("closet:plan-month"))

    assert response.context["month_start"] == today.replace(day=1)
    assert response.content.decode().count('aria-current="date"') == 1


@pytest.mark.parametrize("month", ["2026-13", "2026-00", "26-11", "1899-12", "november"])
def test_a_month_that_does_not_exist_shows_this_month(client, user, month):
    client.force_login(user)

    response = client.get(reverse("closet:plan-month"), {"month": month})

    assert response.status_code == 200
    assert response.context["month_start"] == _today().replace(day=1)


def test_the_calendar_pages_need_a_signed_in_user(client):
    for name in ("plan-week", "plan-month", "plan-create", "trip-list", "trip-create"):
        response = client.get(reverse(f"closet:{name}"))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- plans --------------------------------------------------------------------------------------------------------


def test_adding_a_plan_from_the_calendar(client, user):
    outfit = _outfit(user)
    client.force_login(user)

    response = client.post(
        reverse("closet:plan-create"), {"outfit": str(outfit.pk), "planned_on": "2026-11-27", "note": "Dinner"}
    )

    plan = Plan.objects.get()
    assert (plan.owner, plan.outfit, plan.planned_on, plan.note) == (
        user,
        outfit,
        datetime.date(2026, 11, 27),
        "Dinner",
    )
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('closet:plan-week')}?week=2026-W48"


def test_the_add_form_is_filled_in_from_the_address(client, user):
    outfit = _outfit(user)
    client.force_login(user)

    response = client.get(reverse("closet:plan-create"), {"date": "2026-11-27", "outfit": str(outfit.pk)})

    page = response.content.decode()
    assert 'value="2026-11-27"' in page
    assert f'<option value="{outfit.pk}" selected>' in page


def test_a_plan_with_another_users_outfit_is_refused(client, api_client, user, other_user):
    bobs = _outfit(other_user)
    client.force_login(user)

    page = client.post(reverse("closet:plan-create"), {"outfit": str(bobs.pk), "planned_on": "2026-11-27"})
    api = api_client.post(PLANS, {"outfit": str(bobs.pk), "planned_on": "2026-11-27"}, format="json")

    assert page.status_code == 400 and "Unknown outfit." in page.content.decode()
    assert api.status_code == 400 and api.json()["errors"]["outfit"] == ["Unknown outfit."]
    with pytest.raises(ValidationError):
        plan_create(owner=user, outfit=bobs, planned_on=datetime.date(2026, 11, 27))
    assert not Plan.objects.exists()


def test_wore_it_logs_the_outfit_items_on_the_planned_day_once(client, user):
    plan = PlanFactory(owner=user, outfit=_outfit(user), planned_on=_today() - datetime.timedelta(days=2))
    client.force_login(user)
    url = reverse("closet:plan-wore", args=[plan.pk])

    client.post(url)
    plan.refresh_from_db()
    first_worn_at = plan.worn_at
    again = client.post(url, follow=True)

    wears = Wear.objects.filter(owner=user)
    assert wears.count() == 2
    assert all(w.worn_on == plan.planned_on and w.outfit_id == plan.outfit_id for w in wears)
    plan.refresh_from_db()
    assert first_worn_at is not None and plan.worn_at == first_worn_at
    assert "already logged" in again.content.decode()


def test_wore_it_is_refused_for_a_day_still_to_come(user):
    plan = PlanFactory(owner=user, outfit=_outfit(user), planned_on=_today() + datetime.timedelta(days=3))

    with pytest.raises(ValidationError, match="not come yet"):
        plan_wear_log(plan=plan)

    plan.refresh_from_db()
    assert plan.worn_at is None and not Wear.objects.exists()


def test_the_calendar_offers_wore_it_only_for_days_that_have_come(client, user):
    today = _today()
    past = PlanFactory(owner=user, outfit=_outfit(user), planned_on=today)
    future = PlanFactory(owner=user, outfit=_outfit(user), planned_on=today + datetime.timedelta(days=8))
    client.force_login(user)

    this_week = client.get(reverse("closet:plan-week")).content.decode()
    future_week = client.get(reverse("closet:plan-week"), {"week": f"{future.planned_on:%G-W%V}"}).content.decode()

    assert reverse("closet:plan-wore", args=[past.pk]) in this_week
    assert reverse("closet:plan-wore", args=[future.pk]) not in future_week
    assert reverse("closet:plan-delete", args=[future.pk]) in future_week


def test_removing_a_plan_goes_back_to_where_it_was_removed(client, user):
    plan = PlanFactory(owner=user, planned_on=datetime.date(2026, 11, 27))
    client.force_login(user)
    back = f"{reverse('closet:plan-month')}?month=2026-11"

    response = client.post(reverse("closet:plan-delete", args=[plan.pk]), {"next": back})

    assert response["Location"] == back and not Plan.objects.exists()


def test_another_users_plan_answers_404(client, user, other_user):
    bobs = PlanFactory(owner=other_user, outfit=_outfit(other_user), planned_on=_today())
    client.force_login(user)

    assert client.post(reverse("closet:plan-wore", args=[bobs.pk])).status_code == 404
    assert client.post(reverse("closet:plan-delete", args=[bobs.pk])).status_code == 404
    assert Plan.objects.filter(pk=bobs.pk, worn_at__isnull=True).exists() and not Wear.objects.exists()


def test_the_plans_api_creates_changes_lists_and_wears_a_plan(api_client, user):
    outfit, other = _outfit(user), _outfit(user)
    day = _today() - datetime.timedelta(days=1)

    created = api_client.post(PLANS, {"outfit": str(outfit.pk), "planned_on": str(day)}, format="json")
    plan_id = created.json()["id"]
    changed = api_client.patch(f"{PLANS}{plan_id}/", {"outfit": str(other.pk), "note": "Swapped"}, format="json")
    wore = api_client.post(f"{PLANS}{plan_id}/wore/")
    wore_again = api_client.post(f"{PLANS}{plan_id}/wore/")
    listed = api_client.get(PLANS).json()["results"]

    assert created.status_code == 201, created.json()
    assert changed.status_code == 200 and changed.json()["outfit"] == str(other.pk)
    assert (wore.status_code, wore.json()["created"]) == (201, 2)
    assert (wore_again.status_code, wore_again.json()["created"]) == (200, 0)
    assert listed[0]["worn_at"] is not None and listed[0]["note"] == "Swapped"
    assert api_client.delete(f"{PLANS}{plan_id}/").status_code == 204


def test_the_plans_api_refuses_wearing_a_plan_still_to_come(api_client, user):
    plan = PlanFactory(owner=user, outfit=_outfit(user), planned_on=_today() + datetime.timedelta(days=5))

    response = api_client.post(f"{PLANS}{plan.pk}/wore/")

    assert response.status_code == 400 and "planned_on" in response.json()["errors"]


# --- trips --------------------------------------------------------------------------------------------------------


def test_creating_a_trip_in_the_browser(client, user):
    client.force_login(user)

    response = client.post(
        reverse("closet:trip-create"),
        {"name": "Lisbon", "destination": "Portugal", "starts_on": "2026-12-04", "ends_on": "2026-12-07"},
    )

    trip = Trip.objects.get()
    assert response["Location"] == reverse("closet:trip-detail", args=[trip.pk])
    assert (trip.owner, trip.starts_on, trip.ends_on) == (user, datetime.date(2026, 12, 4), datetime.date(2026, 12, 7))


def test_a_trip_that_ends_before_it_starts_is_refused_with_a_clear_message(client, api_client, user):
    client.force_login(user)
    dates = {"starts_on": "2026-12-07", "ends_on": "2026-12-04"}

    page = client.post(reverse("closet:trip-create"), {"name": "Backwards", **dates})
    api = api_client.post(TRIPS, {"name": "Backwards", **dates}, format="json")

    assert page.status_code == 400
    assert "can&#x27;t end before it starts" in page.content.decode()
    assert api.status_code == 400
    assert "can't end before it starts" in api.json()["errors"]["ends_on"][0]
    with pytest.raises(ValidationError):
        trip_create(
            owner=user, name="Backwards", starts_on=datetime.date(2026, 12, 7), ends_on=datetime.date(2026, 12, 4)
        )
    assert not Trip.objects.exists()


def test_a_one_day_trip_is_fine_and_a_partial_change_is_checked_against_the_stored_date(api_client, user):
    created = api_client.post(
        TRIPS, {"name": "Day out", "starts_on": "2026-12-04", "ends_on": "2026-12-04"}, format="json"
    )
    trip_id = created.json()["id"]

    backwards = api_client.patch(f"{TRIPS}{trip_id}/", {"ends_on": "2026-12-01"}, format="json")
    longer = api_client.patch(f"{TRIPS}{trip_id}/", {"ends_on": "2026-12-06"}, format="json")

    assert created.status_code == 201
    assert backwards.status_code == 400 and "ends_on" in backwards.json()["errors"]
    assert longer.status_code == 200 and longer.json()["ends_on"] == "2026-12-06"


def test_the_trip_list_splits_coming_and_past_trips_with_their_progress(client, user, other_user):
    today = _today()
    coming = TripFactory(owner=user, name="Coming", starts_on=today, ends_on=today + datetime.timedelta(days=2))
    TripFactory(owner=user, name="Been", starts_on=datetime.date(2020, 5, 1), ends_on=datetime.date(2020, 5, 3))
    TripFactory(owner=other_user, name="Bob's trip")
    PackingEntryFactory(trip=coming, packed=True)
    PackingEntryFactory(trip=coming)
    client.force_login(user)

    response = client.get(reverse("closet:trip-list"))

    assert [t.name for t in response.context["upcoming"]] == ["Coming"]
    assert [t.name for t in response.context["past"]] == ["Been"]
    page = response.content.decode()
    assert "1 of 2 packed" in page and "Bob" not in page


def test_editing_and_deleting_a_trip(client, user):
    trip = TripFactory(owner=user)
    PackingEntryFactory(trip=trip)
    client.force_login(user)

    edit = client.post(
        reverse("closet:trip-update", args=[trip.pk]),
        {"name": "Porto instead", "starts_on": "2026-12-04", "ends_on": "2026-12-08"},
    )
    trip.refresh_from_db()
    delete = client.post(reverse("closet:trip-delete", args=[trip.pk]))

    assert edit.status_code == 302 and trip.name == "Porto instead"
    assert delete.status_code == 302 and not Trip.objects.exists() and not PackingEntry.objects.exists()


# --- packing lists ------------------------------------------------------------------------------------------------


def test_the_trip_page_lists_what_to_pack_with_its_progress(client, user):
    trip = TripFactory(owner=user)
    coat = PackingEntryFactory(trip=trip, item=ItemFactory(owner=user, name="Rain coat"), packed=True)
    PackingEntryFactory(trip=trip, item=None, outfit=_outfit(user), position=1)
    client.force_login(user)

    page = client.get(reverse("closet:trip-detail", args=[trip.pk])).content.decode()

    assert "1 of 2</strong> packed" in page
    assert "Rain coat" in page
    assert 'role="checkbox" aria-checked="true"' in page and 'aria-checked="false"' in page
    assert reverse("closet:packing-toggle", args=[trip.pk, coat.pk]) in page


def test_ticking_an_entry_off_without_javascript_reloads_the_trip(client, user):
    entry = PackingEntryFactory(trip=TripFactory(owner=user))
    client.force_login(user)
    url = reverse("closet:packing-toggle", args=[entry.trip_id, entry.pk])

    packed = client.post(url, {"packed": "1"})
    entry.refresh_from_db()
    assert packed["Location"] == reverse("closet:trip-detail", args=[entry.trip_id]) and entry.packed

    client.post(url, {"packed": "1"})  # a double submit changes nothing
    entry.refresh_from_db()
    assert entry.packed

    client.post(url, {"packed": "0"})
    entry.refresh_from_db()
    assert not entry.packed


def test_ticking_an_entry_off_with_htmx_answers_the_line_and_the_progress(client, user):
    trip = TripFactory(owner=user)
    entry = PackingEntryFactory(trip=trip)
    PackingEntryFactory(trip=trip, position=1)
    client.force_login(user)

    response = client.post(
        reverse("closet:packing-toggle", args=[trip.pk, entry.pk]), {"packed": "1"}, headers={"HX-Request": "true"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith(f'<li class="packing-row is-packed" id="packing-{entry.pk}">')
    assert 'aria-checked="true"' in page
    assert 'id="packing-progress" hx-swap-oob="true"' in page and "1 of 2</strong> packed" in page


def test_adding_own_items_and_outfits_to_the_list(client, user):
    trip = TripFactory(owner=user)
    item, outfit = ItemFactory(owner=user), _outfit(user)
    client.force_login(user)
    url = reverse("closet:packing-create", args=[trip.pk])

    client.post(url, {"item": str(item.pk), "quantity": "3"})
    client.post(url, {"outfit": str(outfit.pk)})
    client.post(url, {"item": str(item.pk)})  # already on the list: no second line

    entries = list(PackingEntry.objects.filter(trip=trip).order_by("position"))
    assert [(e.item_id, e.outfit_id, e.quantity, e.position) for e in entries] == [
        (item.pk, None, 3, 0),
        (None, outfit.pk, 1, 1),
    ]


def test_another_users_item_or_outfit_never_goes_on_the_list(client, api_client, user, other_user):
    trip = TripFactory(owner=user)
    bobs_item, bobs_outfit = ItemFactory(owner=other_user), _outfit(other_user)
    client.force_login(user)

    page = client.post(reverse("closet:packing-create", args=[trip.pk]), {"item": str(bobs_item.pk)}, follow=True)
    api_item = api_client.post(f"{TRIPS}{trip.pk}/packing/", {"item": str(bobs_item.pk)}, format="json")
    api_outfit = api_client.post(f"{TRIPS}{trip.pk}/packing/", {"outfit": str(bobs_outfit.pk)}, format="json")

    assert "Unknown item." in page.content.decode()
    assert api_item.status_code == 400 and api_item.json()["errors"]["item"] == ["Unknown item."]
    assert api_outfit.status_code == 400 and api_outfit.json()["errors"]["outfit"] == ["Unknown outfit."]
    with pytest.raises(ValidationError):
        packing_entry_create(trip=trip, item=bobs_item)
    assert not PackingEntry.objects.exists()


def test_an_entry_is_an_item_or_an_outfit_not_both_nor_neither(client, api_client, user):
    trip = TripFactory(owner=user)
    item, outfit = ItemFactory(owner=user), _outfit(user)
    client.force_login(user)

    both = api_client.post(f"{TRIPS}{trip.pk}/packing/", {"item": str(item.pk), "outfit": str(outfit.pk)})
    neither = api_client.post(f"{TRIPS}{trip.pk}/packing/", {"quantity": 2})
    page = client.post(reverse("closet:packing-create", args=[trip.pk]), {}, follow=True)

    assert both.status_code == 400 and neither.status_code == 400
    assert "Choose an item or an outfit" in page.content.decode()
    assert not PackingEntry.objects.exists()


def test_the_packing_api_lists_adds_ticks_off_and_removes_entries(api_client, user):
    trip = TripFactory(owner=user)
    item = ItemFactory(owner=user, name="Swimsuit")
    url = f"{TRIPS}{trip.pk}/packing/"

    added = api_client.post(url, {"item": str(item.pk), "quantity": 2}, format="json")
    entry_id = added.json()["id"]
    ticked = api_client.patch(f"{url}{entry_id}/", {"packed": True}, format="json")
    listed = api_client.get(url).json()
    summary = api_client.get(f"{TRIPS}{trip.pk}/").json()
    removed = api_client.delete(f"{url}{entry_id}/")

    assert added.status_code == 201, added.json()
    assert added.json()["name"] == "Swimsuit" and added.json()["quantity"] == 2
    assert ticked.status_code == 200 and ticked.json()["packed"] is True
    assert [e["id"] for e in listed] == [entry_id]
    assert (summary["entry_count"], summary["packed_count"]) == (1, 1)
    assert removed.status_code == 204 and not PackingEntry.objects.exists()


def test_a_packing_entry_is_reached_only_through_its_own_trip(client, api_client, user):
    first, second = TripFactory(owner=user), TripFactory(owner=user)
    entry = PackingEntryFactory(trip=first)
    client.force_login(user)

    assert api_client.get(f"{TRIPS}{second.pk}/packing/{entry.pk}/").status_code == 404
    assert api_client.get(f"{TRIPS}{second.pk}/packing/").json() == []
    assert client.post(reverse("closet:packing-toggle", args=[second.pk, entry.pk]), {"packed": "1"}).status_code == 404
    assert client.post(reverse("closet:packing-delete", args=[second.pk, entry.pk])).status_code == 404
    entry.refresh_from_db()
    assert not entry.packed


def test_another_users_trip_answers_404_on_every_page_and_its_packing_api(client, api_client, user, other_user):
    bobs_trip = TripFactory(owner=other_user)
    bobs_entry = PackingEntryFactory(trip=bobs_trip)
    client.force_login(user)

    for name in ("trip-detail", "trip-update", "trip-delete"):
        assert client.get(reverse(f"closet:{name}", args=[bobs_trip.pk])).status_code == 404
    assert client.post(reverse("closet:packing-create", args=[bobs_trip.pk]), {}).status_code == 404
    assert client.post(reverse("closet:packing-toggle", args=[bobs_trip.pk, bobs_entry.pk])).status_code == 404
    listed = api_client.get(f"{TRIPS}{bobs_trip.pk}/packing/")
    added = api_client.post(f"{TRIPS}{bobs_trip.pk}/packing/", {"item": str(ItemFactory(owner=user).pk)})
    assert listed.status_code == 404 and listed.json() == {"code": "not_found", "detail": "Not found."}
    assert added.status_code == 404
    assert PackingEntry.objects.filter(trip=bobs_trip).count() == 1
