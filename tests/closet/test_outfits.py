"""Outfits: composed from the user's own items only, with a collage drawn in the background, idempotently."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from closet.models import ItemStatus, Outfit, OutfitItem, Plan, Wear
from closet.services import outfits as outfit_services
from closet.services.outfits import (
    COLLAGE_SIZE,
    outfit_collage_render,
    outfit_collages_refresh,
    outfit_create,
    outfit_delete,
    outfit_update,
)
from config.celery import app as celery_app
from tests.closet.factories import (
    ItemFactory,
    ItemPhotoFactory,
    OutfitFactory,
    OutfitItemFactory,
    PlanFactory,
    category,
    colour,
)

pytestmark = [pytest.mark.django_db, pytest.mark.promise("CLO-3")]

OUTFITS = "/api/v1/outfits/"
RED = (198, 40, 40)
NAVY = (31, 42, 68)


@pytest.fixture
def eager_tasks():
    """Run queued Celery tasks in the test process, as a worker would (there is no worker in tests)."""
    always, propagates = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = always, propagates


def _webp(size: tuple[int, int], rgb: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, rgb).save(buffer, format="WEBP")
    return buffer.getvalue()


def _stored_image(name: str) -> Image.Image:
    with default_storage.open(name, "rb") as handle:
        picture = Image.open(io.BytesIO(handle.read()))
        picture.load()
    return picture


def _close(pixel, expected, tolerance: int = 24) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], expected, strict=True))


def _item_ids(outfit: Outfit) -> list:
    return list(outfit.outfit_items.order_by("position").values_list("item_id", flat=True))


# --- composing ----------------------------------------------------------------------------------------------------


def test_an_outfit_is_created_from_own_items_in_the_order_given(api_client, user):
    shoes, top, trousers = ItemFactory(owner=user), ItemFactory(owner=user), ItemFactory(owner=user)
    body = {
        "name": "Office Monday",
        "items": [str(top.pk), str(trousers.pk), str(shoes.pk)],
        "occasion": "work",
        "seasons": ["autumn", "winter"],
        "rating": 4,
        "favourite": True,
        "tags": ["Work", "smart"],
        "notes": "With the camel coat if cold.",
    }

    response = api_client.post(OUTFITS, body, format="json")

    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["items"] == body["items"]
    assert (data["occasion"], data["seasons"], data["rating"], data["favourite"]) == (
        "work",
        ["autumn", "winter"],
        4,
        True,
    )
    assert sorted(data["tags"]) == ["smart", "work"]
    assert data["collage_url"] is None and data["collage_pending"] is True
    outfit = Outfit.objects.get(pk=data["id"])
    assert _item_ids(outfit) == [top.pk, trousers.pk, shoes.pk]
    assert outfit.collage_version == 1 and outfit.collage_rendered_version == 0


def test_another_users_item_is_refused_as_unknown_and_nothing_is_saved(api_client, user, other_user):
    mine, bobs = ItemFactory(owner=user), ItemFactory(owner=other_user)

    response = api_client.post(OUTFITS, {"name": "Sneaky", "items": [str(mine.pk), str(bobs.pk)]}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["errors"]["items"] == ["Unknown item."]
    assert not Outfit.objects.exists() and not OutfitItem.objects.exists()


def test_changing_the_items_to_include_another_users_item_changes_nothing(api_client, user, other_user):
    outfit = outfit_create(owner=user, name="Mine", items=[ItemFactory(owner=user)])
    before = _item_ids(outfit)

    response = api_client.patch(
        f"{OUTFITS}{outfit.pk}/", {"items": [str(ItemFactory(owner=other_user).pk)]}, format="json"
    )

    assert response.status_code == 400
    assert _item_ids(outfit) == before
    assert Outfit.objects.get(pk=outfit.pk).collage_version == 1


@pytest.mark.parametrize(
    ("items", "message"),
    [([], "at least 1"), (["not-a-uuid"], "valid UUID"), (None, "null")],
)
def test_malformed_items_are_a_400(api_client, user, items, message):
    response = api_client.post(OUTFITS, {"name": "Odd", "items": items}, format="json")

    assert response.status_code == 400
    assert message in str(response.json()["errors"]["items"])
    assert not Outfit.objects.exists()


def test_the_service_refuses_an_empty_outfit_and_too_many_items(user):
    with pytest.raises(ValidationError, match="at least one"):
        outfit_create(owner=user, name="Nothing", items=[])
    with pytest.raises(ValidationError, match="at most 20"):
        outfit_create(owner=user, name="Everything", items=[ItemFactory(owner=user) for _ in range(21)])
    assert not Outfit.objects.exists()


def test_the_same_item_twice_is_kept_once(user):
    top = ItemFactory(owner=user)

    outfit = outfit_create(owner=user, name="Top", items=[top, str(top.pk)])

    assert _item_ids(outfit) == [top.pk]


def test_a_new_set_or_order_of_items_bumps_the_collage_version_and_queues_one_job(
    user, django_capture_on_commit_callbacks
):
    a, b = ItemFactory(owner=user), ItemFactory(owner=user)
    with django_capture_on_commit_callbacks() as created:
        outfit = outfit_create(owner=user, name="Two", items=[a, b])
    with django_capture_on_commit_callbacks() as reordered:
        outfit_update(outfit=outfit, items=[b, a])
    with django_capture_on_commit_callbacks() as unchanged:
        outfit_update(outfit=outfit, items=[b, a], name="Renamed")

    assert (len(created), len(reordered), len(unchanged)) == (1, 1, 0)
    assert Outfit.objects.get(pk=outfit.pk).collage_version == 2
    assert _item_ids(outfit) == [b.pk, a.pk]


def test_the_collage_job_is_sent_with_the_outfit_id_only(user, django_capture_on_commit_callbacks, monkeypatch):
    sent = []
    monkeypatch.setattr("closet.tasks.outfits.outfit_collage_render.delay", lambda *args: sent.append(args))

    with django_capture_on_commit_callbacks(execute=True):
        outfit = outfit_create(owner=user, name="One", items=[ItemFactory(owner=user)])

    assert sent == [(str(outfit.pk),)]


def test_a_changed_item_photo_can_refresh_every_outfit_that_shows_it(user, django_capture_on_commit_callbacks):
    coat = ItemFactory(owner=user)
    first = outfit_create(owner=user, name="A", items=[coat])
    second = outfit_create(owner=user, name="B", items=[coat, ItemFactory(owner=user)])
    other = outfit_create(owner=user, name="C", items=[ItemFactory(owner=user)])

    with django_capture_on_commit_callbacks() as queued:
        assert outfit_collages_refresh(item_id=coat.pk) == 2

    assert len(queued) == 2
    versions = dict(Outfit.objects.values_list("pk", "collage_version"))
    assert (versions[first.pk], versions[second.pk], versions[other.pk]) == (2, 2, 1)


# --- the collage --------------------------------------------------------------------------------------------------


def test_the_collage_is_drawn_by_the_task_from_photo_thumbnails_and_colour_tiles(
    user, eager_tasks, django_capture_on_commit_callbacks
):
    photographed = ItemFactory(owner=user, name="Red jumper")
    ItemPhotoFactory(owner=user, item=photographed, thumbnail__data=_webp((200, 300), RED))
    drawn = ItemFactory(owner=user, name="navy trousers", colours=[colour("navy")])

    with django_capture_on_commit_callbacks(execute=True):
        outfit = outfit_create(owner=user, name="Red and navy", items=[photographed, drawn])

    outfit.refresh_from_db()
    assert outfit.collage.name.startswith("collages/") and outfit.collage.name.endswith(".webp")
    assert outfit.collage_rendered_version == outfit.collage_version == 1
    picture = _stored_image(outfit.collage.name)
    assert picture.format == "WEBP"
    assert picture.size == (COLLAGE_SIZE, COLLAGE_SIZE)
    # Two tiles side by side: the photo on the left, a navy tile (its initial in the middle) on the right.
    assert _close(picture.getpixel((COLLAGE_SIZE // 4, COLLAGE_SIZE // 2)), RED)
    assert _close(picture.getpixel((3 * COLLAGE_SIZE // 4, COLLAGE_SIZE // 6)), NAVY)
    assert _close(picture.getpixel((5, 5)), outfit_services.COLLAGE_BACKGROUND)


def test_an_unreadable_thumbnail_falls_back_to_a_colour_tile(user):
    item = ItemFactory(owner=user, name="Mystery", colours=[colour("navy")])
    ItemPhotoFactory(owner=user, item=item)  # the factory's thumbnail bytes are not a picture
    outfit = outfit_create(owner=user, name="Fallback", items=[item])

    assert outfit_collage_render(outfit_id=outfit.pk) is True

    picture = _stored_image(Outfit.objects.get(pk=outfit.pk).collage.name)
    assert _close(picture.getpixel((COLLAGE_SIZE // 2, 60)), NAVY)


@pytest.mark.parametrize("count", [1, 3, 5, 20])
def test_the_collage_has_its_size_for_any_number_of_items(user, count):
    outfit = outfit_create(owner=user, name="Many", items=[ItemFactory(owner=user) for _ in range(count)])

    outfit_collage_render(outfit_id=outfit.pk)

    assert _stored_image(Outfit.objects.get(pk=outfit.pk).collage.name).size == (COLLAGE_SIZE, COLLAGE_SIZE)


def test_the_collage_is_drawn_again_only_when_the_items_changed(user, django_capture_on_commit_callbacks):
    a, b = ItemFactory(owner=user), ItemFactory(owner=user)
    outfit = outfit_create(owner=user, name="Once", items=[a])
    assert outfit_collage_render(outfit_id=outfit.pk) is True
    first = Outfit.objects.get(pk=outfit.pk).collage.name

    assert outfit_collage_render(outfit_id=outfit.pk) is False  # a second delivery of the same job
    assert Outfit.objects.get(pk=outfit.pk).collage.name == first

    outfit_update(outfit=Outfit.objects.get(pk=outfit.pk), items=[a, b])
    with django_capture_on_commit_callbacks(execute=True):
        assert outfit_collage_render(outfit_id=outfit.pk) is True

    outfit.refresh_from_db()
    assert outfit.collage.name != first and outfit.collage_rendered_version == 2
    assert default_storage.exists(outfit.collage.name)
    assert not default_storage.exists(first), "the old collage file is deleted once the new one is committed"


def test_a_stale_job_never_overwrites_a_newer_collage(user, monkeypatch, django_capture_on_commit_callbacks):
    outfit = outfit_create(owner=user, name="Racing", items=[ItemFactory(owner=user)])
    real_draw = outfit_services.collage_draw

    def items_change_while_drawing(sources):
        Outfit.objects.filter(pk=outfit.pk).update(collage_version=F("collage_version") + 1)
        return real_draw(sources)

    monkeypatch.setattr(outfit_services, "collage_draw", items_change_while_drawing)
    with django_capture_on_commit_callbacks(execute=True):
        assert outfit_collage_render(outfit_id=outfit.pk) is False

    outfit.refresh_from_db()
    assert not outfit.collage and outfit.collage_rendered_version == 0
    assert not list(default_storage.listdir("collages")[1]), "the stale picture is not left behind"

    monkeypatch.setattr(outfit_services, "collage_draw", real_draw)
    assert outfit_collage_render(outfit_id=outfit.pk) is True
    outfit.refresh_from_db()
    assert outfit.collage and outfit.collage_rendered_version == 2


def test_a_job_for_a_deleted_outfit_does_nothing(user):
    outfit = outfit_create(owner=user, name="Gone", items=[ItemFactory(owner=user)])
    outfit_id = outfit.pk
    outfit.delete()

    assert outfit_collage_render(outfit_id=outfit_id) is False


def test_deleting_an_outfit_deletes_its_collage_file_after_commit(user, django_capture_on_commit_callbacks):
    outfit = outfit_create(owner=user, name="Bye", items=[ItemFactory(owner=user)])
    outfit_collage_render(outfit_id=outfit.pk)
    name = Outfit.objects.get(pk=outfit.pk).collage.name
    PlanFactory(owner=user, outfit=outfit)

    with django_capture_on_commit_callbacks(execute=True):
        outfit_delete(outfit=Outfit.objects.get(pk=outfit.pk))

    assert not default_storage.exists(name)
    assert not Plan.objects.exists()


def test_the_api_gives_a_signed_collage_link_once_drawn(api_client, user):
    outfit = outfit_create(owner=user, name="Drawn", items=[ItemFactory(owner=user)])
    outfit_collage_render(outfit_id=outfit.pk)

    data = api_client.get(f"{OUTFITS}{outfit.pk}/").json()

    assert data["collage_pending"] is False
    assert "signature=" in data["collage_url"] and "expires=" in data["collage_url"]
    assert api_client.get(data["collage_url"]).status_code == 200


# --- wearing and the API ------------------------------------------------------------------------------------------


def test_wearing_an_outfit_through_the_api_logs_each_item_once_per_day(api_client, user):
    outfit = outfit_create(owner=user, name="Worn", items=[ItemFactory(owner=user), ItemFactory(owner=user)])

    first = api_client.post(f"{OUTFITS}{outfit.pk}/wear/", {}, format="json")
    again = api_client.post(f"{OUTFITS}{outfit.pk}/wear/", {}, format="json")
    future = api_client.post(f"{OUTFITS}{outfit.pk}/wear/", {"worn_on": "2999-01-01"}, format="json")

    assert (first.status_code, first.json()["created"]) == (201, 2)
    assert (again.status_code, again.json()["created"]) == (200, 0)
    assert future.status_code == 400
    assert Wear.objects.filter(outfit=outfit).count() == 2


def test_the_outfit_list_holds_only_the_users_outfits(api_client, user, other_user):
    mine = outfit_create(owner=user, name="Mine", items=[ItemFactory(owner=user)])
    outfit_create(owner=other_user, name="Bob's", items=[ItemFactory(owner=other_user)])

    results = api_client.get(OUTFITS).json()["results"]

    assert [o["id"] for o in results] == [str(mine.pk)]


def test_deleting_through_the_api_keeps_the_garments_and_the_wears(api_client, user):
    item = ItemFactory(owner=user)
    outfit = outfit_create(owner=user, name="Short-lived", items=[item])
    api_client.post(f"{OUTFITS}{outfit.pk}/wear/", {}, format="json")

    assert api_client.delete(f"{OUTFITS}{outfit.pk}/").status_code == 204

    assert not Outfit.objects.exists()
    assert Wear.objects.filter(item=item, outfit__isnull=True).count() == 1


# --- the HTML pages -----------------------------------------------------------------------------------------------


def test_the_picker_shows_the_users_active_items_as_cards_with_check_boxes(client, user, other_user):
    jumper = ItemFactory(owner=user, name="Green jumper")
    ItemFactory(owner=user, name="Old archived shirt", status=ItemStatus.ARCHIVED)
    ItemFactory(owner=other_user, name="Bob's hat")
    client.force_login(user)

    page = client.get(reverse("closet:outfit-create")).content.decode()

    assert f'name="items" value="{jumper.pk}"' in page
    assert "Green jumper" in page
    assert "Old archived shirt" not in page and "Bob&#x27;s hat" not in page and "Bob's hat" not in page


def test_the_picker_groups_garments_from_the_outside_in(client, user):
    # Named so that neither the alphabet nor the order they were added gives the order expected.
    ItemFactory(owner=user, name="A trousers", category=category("bottoms"))
    ItemFactory(owner=user, name="C coat", category=category("outerwear"))
    ItemFactory(owner=user, name="B shirt", category=category("tops"))
    client.force_login(user)

    page = client.get(reverse("closet:outfit-create")).content.decode()

    assert page.index("C coat") < page.index("B shirt") < page.index("A trousers")


def test_an_item_page_link_arrives_with_the_item_ticked(client, user):
    jumper = ItemFactory(owner=user)
    client.force_login(user)

    page = client.get(f"{reverse('closet:outfit-create')}?item={jumper.pk}").content.decode()

    assert f'value="{jumper.pk}" checked' in page


def test_composing_an_outfit_in_the_browser(client, user):
    top, shoes = ItemFactory(owner=user), ItemFactory(owner=user)
    client.force_login(user)

    response = client.post(
        reverse("closet:outfit-create"),
        {
            "items": [str(top.pk), str(shoes.pk)],
            "name": "Saturday",
            "occasion": "weekend",
            "seasons": ["summer"],
            "rating": "5",
            "favourite": "on",
            "tags": "easy, linen",
            "notes": "",
        },
    )

    outfit = Outfit.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("closet:outfit-detail", args=[outfit.pk])
    assert _item_ids(outfit) == [top.pk, shoes.pk]
    assert (outfit.rating, outfit.favourite, outfit.seasons) == (5, True, ["summer"])
    assert sorted(t.name for t in outfit.tags.all()) == ["easy", "linen"]


def test_the_picker_refuses_another_users_item_and_saves_nothing(client, user, other_user):
    bobs = ItemFactory(owner=other_user)
    client.force_login(user)

    response = client.post(reverse("closet:outfit-create"), {"items": [str(bobs.pk)], "name": "Sneaky"})

    assert response.status_code == 400
    assert "Unknown item." in response.content.decode()
    assert not Outfit.objects.exists()


def test_the_picker_asks_for_at_least_one_item_and_a_name(client, user):
    client.force_login(user)

    response = client.post(reverse("closet:outfit-create"), {"name": ""})

    assert response.status_code == 400
    assert "Pick at least one item" in response.content.decode()
    assert not Outfit.objects.exists()


def test_editing_an_outfit_keeps_an_archived_item_on_offer_and_changes_the_items(client, user):
    archived = ItemFactory(owner=user, status=ItemStatus.ARCHIVED, name="Archived blazer")
    new = ItemFactory(owner=user)
    outfit = outfit_create(owner=user, name="Old", items=[archived])
    client.force_login(user)
    url = reverse("closet:outfit-update", args=[outfit.pk])

    page = client.get(url).content.decode()
    response = client.post(url, {"items": [str(archived.pk), str(new.pk)], "name": "New"})

    assert f'value="{archived.pk}" checked' in page
    assert response.status_code == 302
    outfit.refresh_from_db()
    assert outfit.name == "New" and _item_ids(outfit) == [archived.pk, new.pk] and outfit.collage_version == 2


def test_the_edit_page_reads_the_outfits_garments_once(client, user):
    outfit = outfit_create(owner=user, name="Office", items=[ItemFactory(owner=user), ItemFactory(owner=user)])
    client.force_login(user)

    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("closet:outfit-update", args=[outfit.pk]))

    garment_reads = [q for q in queries.captured_queries if 'ORDER BY "closet_outfititem"."position"' in q["sql"]]
    assert len(garment_reads) == 1


def test_the_list_and_the_page_show_the_collage_or_tiles_while_it_is_drawn(client, user):
    drawn = outfit_create(owner=user, name="Drawn outfit", items=[ItemFactory(owner=user, name="Coat")])
    outfit_collage_render(outfit_id=drawn.pk)
    pending = outfit_create(owner=user, name="Pending outfit", items=[ItemFactory(owner=user, name="Zip top")])
    client.force_login(user)

    listing = client.get(reverse("closet:outfit-list")).content.decode()
    page = client.get(reverse("closet:outfit-detail", args=[pending.pk])).content.decode()

    assert "Drawn outfit" in listing and "Pending outfit" in listing
    assert listing.count('class="collage__image"') == 1
    assert "Collage on its way" in page and 'class="collage__tile"' in page
    assert "Zip top" in page  # the garment's card


def test_wearing_an_outfit_from_its_page(client, user):
    outfit = outfit_create(owner=user, name="Worn", items=[ItemFactory(owner=user), ItemFactory(owner=user)])
    client.force_login(user)

    response = client.post(reverse("closet:outfit-wear", args=[outfit.pk]), follow=True)

    assert Wear.objects.filter(outfit=outfit).count() == 2
    assert "Logged: Worn worn on" in response.content.decode()
    assert "Worn 1 time" in response.content.decode()


def test_deleting_an_outfit_from_its_page(client, user):
    outfit = OutfitItemFactory(outfit=OutfitFactory(owner=user)).outfit
    client.force_login(user)

    assert client.get(reverse("closet:outfit-delete", args=[outfit.pk])).status_code == 200
    response = client.post(reverse("closet:outfit-delete", args=[outfit.pk]))

    assert response.status_code == 302 and not Outfit.objects.exists()


def test_another_users_outfit_answers_404_on_every_page(client, user, other_user):
    bobs = OutfitItemFactory(outfit=OutfitFactory(owner=other_user)).outfit
    client.force_login(user)

    for name in ("outfit-detail", "outfit-update", "outfit-delete"):
        assert client.get(reverse(f"closet:{name}", args=[bobs.pk])).status_code == 404
    for name in ("outfit-update", "outfit-delete", "outfit-wear"):
        assert client.post(reverse(f"closet:{name}", args=[bobs.pk]), {"name": "Mine now"}).status_code == 404
    assert Outfit.objects.get(pk=bobs.pk).name == bobs.name
    assert not Wear.objects.exists()


def test_the_pages_need_a_signed_in_user(client):
    response = client.get(reverse("closet:outfit-list"))

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_navigation_links_to_outfits_and_the_plan_when_signed_in(client, user):
    assert "Outfits</a>" not in client.get("/").content.decode()
    client.force_login(user)

    page = client.get(reverse("closet:outfit-list")).content.decode()

    assert f'href="{reverse("closet:outfit-list")}" aria-current="page">Outfits</a>' in page
    assert f'href="{reverse("closet:plan-week")}">Plan</a>' in page


def test_a_new_photo_or_new_colours_on_an_item_refresh_the_collages_that_show_it(user):
    """The collage draws each item's primary photo, or a tile in its first colour: both changes redraw it."""
    from closet.services.items import closet_item_update
    from closet.services.photos import item_photo_delete
    from tests.closet.factories import ItemPhotoFactory, OutfitItemFactory, colour

    link = OutfitItemFactory(outfit__owner=user)
    item, outfit = link.item, link.outfit
    before = Outfit.objects.get(pk=outfit.pk).collage_version

    closet_item_update(item=item, colours=[colour("olive")])
    assert Outfit.objects.get(pk=outfit.pk).collage_version == before + 1

    photo = ItemPhotoFactory(owner=user, item=item, is_primary=True)
    item_photo_delete(photo=photo)
    assert Outfit.objects.get(pk=outfit.pk).collage_version == before + 2
