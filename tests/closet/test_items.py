"""Items (CLO-3): create, read, update and delete on the API and the web, with the taxonomy, palette, tags,
seasons and laundry settings; bad input names the field and saves nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.storage import default_storage

from closet.models import Item, Source, Tag
from tests.closet.factories import ItemFactory, ItemPhotoFactory, WearFactory, category, colour

pytestmark = [pytest.mark.django_db, pytest.mark.promise("CLO-3")]

COAT = {
    "name": "Camel wool coat",
    "category": "outerwear",
    "subcategory": "coats",
    "colours": ["camel"],
    "seasons": ["autumn", "winter"],
    "formality": 4,
    "warmth": 5,
    "price": "249.00",
    "currency": "eur",
    "purchase_date": "2025-10-02",
    "wash_interval": 10,
    "tags": ["Work", "favourite", "work"],
    "notes": "Dry clean only.",
}


class TestItemsApi:
    def test_an_item_is_created_with_everything_it_describes(self, api_client, user):
        response = api_client.post("/api/v1/items/", COAT, format="json")
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["category"] == "outerwear" and body["subcategory"] == "coats"
        assert body["colours"] == ["camel"] and body["seasons"] == ["autumn", "winter"]
        assert sorted(body["tags"]) == ["favourite", "work"]
        assert body["currency"] == "EUR" and body["source"] == "manual" and body["status"] == "active"
        assert body["wear_count"] == 0 and body["cost_per_wear"] is None and body["needs_wash"] is False
        item = Item.objects.get(pk=body["id"])
        assert item.owner == user and item.season_winter and not item.season_summer

    def test_the_wear_log_drives_wear_count_last_worn_and_cost_per_wear(self, api_client, user):
        item = ItemFactory(owner=user, price=Decimal("120.00"), currency="EUR")
        for day in ("2026-10-01", "2026-10-08", "2026-11-02"):
            WearFactory(owner=user, item=item, worn_on=day)
        body = api_client.get(f"/api/v1/items/{item.pk}/").json()
        assert body["wear_count"] == 3 and body["last_worn_on"] == "2026-11-02"
        assert body["cost_per_wear"] == "40.00"

    def test_laundry_needs_a_wash_after_the_interval_since_the_last_wash(self, api_client, user):
        from datetime import date

        item = ItemFactory(owner=user, wash_interval=2, last_washed_on=date(2026, 10, 5))
        for day in ("2026-10-01", "2026-10-06", "2026-10-07"):
            WearFactory(owner=user, item=item, worn_on=day)
        body = api_client.get(f"/api/v1/items/{item.pk}/").json()
        assert body["wears_since_wash"] == 2 and body["needs_wash"] is True

    def test_fields_can_be_changed_and_cleared(self, api_client, user):
        item_id = api_client.post("/api/v1/items/", COAT, format="json").json()["id"]
        response = api_client.patch(
            f"/api/v1/items/{item_id}/",
            {"subcategory": None, "price": None, "currency": "", "tags": [], "seasons": [], "colours": ["navy"]},
            format="json",
        )
        assert response.status_code == 200, response.content
        item = Item.objects.get(pk=item_id)
        assert item.subcategory is None and item.price is None and item.seasons == []
        assert list(item.colours.values_list("slug", flat=True)) == ["navy"]
        assert not item.tags.exists()
        assert Tag.objects.filter(owner=user).count() == 2, "tags stay for reuse"

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"category": "spacesuits"}, "category"),
            ({"subcategory": "sneakers"}, "subcategory"),  # a kind of shoe, not of outerwear
            ({"colours": ["ultraviolet"]}, "colours"),
            ({"seasons": ["monsoon"]}, "seasons"),
            ({"formality": 9}, "formality"),
            ({"price": "-5"}, "price"),
            ({"currency": "EURO"}, "currency"),
            ({"price": "10", "currency": ""}, "currency"),
            ({"purchase_date": "02/10/2025"}, "purchase_date"),
            ({"name": ""}, "name"),
        ],
    )
    def test_bad_input_names_the_field_and_saves_nothing(self, api_client, user, changes, field):
        response = api_client.post("/api/v1/items/", {**COAT, **changes}, format="json")
        assert response.status_code == 400, response.content
        body = response.json()
        assert body["code"] == "invalid" and field in body["errors"]
        assert not Item.objects.exists()

    def test_the_source_cannot_be_forged_through_the_api(self, api_client, user):
        body = api_client.post("/api/v1/items/", {**COAT, "source": "store"}, format="json").json()
        assert Item.objects.get(pk=body["id"]).source == Source.MANUAL

    def test_a_list_shows_only_your_items(self, api_client, user, other_user):
        ItemFactory.create_batch(2, owner=user)
        ItemFactory(owner=other_user, name="Bob's scarf")
        body = api_client.get("/api/v1/items/").json()
        assert body["count"] == 2 and "Bob's scarf" not in str(body)

    def test_the_taxonomy_and_palette_are_listed(self, anonymous_api_client):
        categories = anonymous_api_client.get("/api/v1/categories/").json()
        tops = next(c for c in categories if c["slug"] == "tops")
        assert tops["kind"] == "top" and {"slug": "t-shirts", "name": "T-shirts"} in tops["subcategories"]
        colours = anonymous_api_client.get("/api/v1/colours/").json()
        assert {"slug": "navy", "name": "Navy", "hex": "#1f2a44", "is_neutral": True} in colours

    @pytest.mark.promise("CLO-4")
    def test_deleting_an_item_removes_its_photos_files_at_once(
        self, api_client, user, django_capture_on_commit_callbacks
    ):
        photo = ItemPhotoFactory(owner=user)
        files = [photo.original.name, photo.thumbnail.name]
        assert all(default_storage.exists(name) for name in files)
        with django_capture_on_commit_callbacks(execute=True):
            assert api_client.delete(f"/api/v1/items/{photo.item_id}/").status_code == 204
        assert not Item.objects.filter(pk=photo.item_id).exists()
        assert not any(default_storage.exists(name) for name in files)


class TestItemPages:
    def test_adding_an_item_on_the_web(self, client, user):
        client.force_login(user)
        assert client.get("/closet/items/new/").status_code == 200
        response = client.post(
            "/closet/items/new/",
            {
                "name": "Linen shirt",
                "category": category("tops").pk,
                "subcategory": category("shirts-blouses").pk,
                "colours": [colour("white").pk],
                "seasons": ["summer"],
                "status": "active",
                "tags": "linen, holiday",
            },
        )
        item = Item.objects.get(owner=user)
        assert response.status_code == 302 and response["Location"] == f"/closet/items/{item.pk}/"
        assert item.seasons == ["summer"] and sorted(t.name for t in item.tags.all()) == ["holiday", "linen"]
        page = client.get(response["Location"]).content.decode()
        assert "Linen shirt" in page and "Shirts &amp; blouses" in page

    def test_a_mismatched_subcategory_gets_a_form_message(self, client, user):
        client.force_login(user)
        response = client.post(
            "/closet/items/new/",
            {"name": "Odd", "category": category("tops").pk, "subcategory": category("boots").pk, "status": "active"},
        )
        assert response.status_code == 400
        assert "Boots is not a kind of Tops" in response.content.decode()
        assert not Item.objects.exists()

    def test_editing_and_deleting_on_the_web(self, client, user):
        item = ItemFactory(owner=user, name="Old name")
        client.force_login(user)
        response = client.post(
            f"/closet/items/{item.pk}/edit/",
            {"name": "New name", "category": category("bottoms").pk, "status": "archived"},
        )
        assert response.status_code == 302
        item.refresh_from_db()
        assert (item.name, item.category.slug, item.status) == ("New name", "bottoms", "archived")
        assert client.get(f"/closet/items/{item.pk}/delete/").status_code == 200
        assert client.post(f"/closet/items/{item.pk}/delete/").status_code == 302
        assert not Item.objects.filter(pk=item.pk).exists()

    def test_the_closet_grid_shows_items_with_their_wear_count(self, client, user):
        item = ItemFactory(owner=user, name="Breton top", colours=[colour("navy"), colour("white")])
        WearFactory(owner=user, item=item, worn_on="2026-11-01")
        client.force_login(user)
        html = client.get("/closet/").content.decode()
        assert "Breton top" in html and "Worn 1×" in html and "White, Navy" in html  # palette order
