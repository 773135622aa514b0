"""The closet in a real browser: add an item with a photo, log a wear, build an outfit, plan it, open the stats."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone
from PIL import Image

from closet.models import Item, ItemPhoto, Outfit, Plan, Wear
from closet.services.photos import item_photo_process
from tests.accounts.factories import PASSWORD
from tests.closet.factories import ItemFactory, WearFactory, category, colour

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.promise("CLO-3")]


def test_item_photo_wear_outfit_plan_stats(live_server, page, user, tmp_path, screenshot_dir):
    # A few garments already in the closet, worn now and then, so the outfit and the stats have something to show.
    for name, slug, colours in [
        ("Straight dark jeans", "bottoms", ["denim"]),
        ("White leather sneakers", "shoes", ["white"]),
        ("Camel trench coat", "outerwear", ["camel"]),
        ("Striped Breton top", "tops", ["navy", "white"]),
    ]:
        item = ItemFactory(owner=user, name=name, category=category(slug), colours=[colour(c) for c in colours])
        for days in (3, 12, 40):
            WearFactory(owner=user, item=item, worn_on=timezone.localdate() - timezone.timedelta(days=days))
    photo = tmp_path / "shirt.jpg"
    picture = Image.new("RGB", (900, 1200), (236, 233, 226))
    picture.paste((40, 60, 110), (250, 300, 650, 900))
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG")
    photo.write_bytes(buffer.getvalue())

    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url("**/closet/")

    # 1. Add an item.
    response = page.goto(live_server.url + "/closet/items/new/")
    assert response.status == 200, page.content()[:3000]
    page.fill("input[name=name]", "Blue oxford shirt")
    page.select_option("select[name=category]", label="Tops")
    page.get_by_text("Add to my closet").click()
    page.wait_for_url("**/closet/items/*/")
    item = Item.objects.get(owner=user, name="Blue oxford shirt")

    # 2. Its photo: choosing the file uploads it; processing (done here as the worker would) strips and shrinks it.
    page.set_input_files("[data-dropzone] input[type=file]", str(photo))
    page.wait_for_selector("text=Preparing your photo", timeout=10_000)
    for waiting in ItemPhoto.objects.filter(item=item, status="processing"):
        item_photo_process(photo_id=waiting.pk)
    page.locator("img.detail__photo").wait_for(timeout=10_000)
    assert ItemPhoto.objects.filter(item=item, status="ready").count() == 1

    # 3. Worn today.
    page.get_by_role("button", name="Worn today").click()
    page.wait_for_load_state("networkidle")
    assert Wear.objects.filter(item=item, worn_on=timezone.localdate()).exists()

    # 4. An outfit, picked visually.
    page.goto(live_server.url + "/outfits/new/")
    page.fill("input[name=name]", "Friday office")
    for name in ("Blue oxford shirt", "Straight dark jeans", "White leather sneakers"):
        page.locator(".pick-card", has_text=name).first.click()
    page.get_by_role("button", name="Save the outfit").click()
    page.wait_for_url("**/outfits/*/")
    outfit = Outfit.objects.get(owner=user, name="Friday office")
    assert outfit.items.count() == 3

    # 5. Planned for today.
    page.goto(live_server.url + "/plan/")
    page.select_option("select[name=outfit]", label="Friday office")
    page.fill("input[name=planned_on]", timezone.localdate().isoformat())
    page.get_by_role("button", name="Add to the plan").click()
    page.wait_for_load_state("networkidle")
    assert Plan.objects.filter(owner=user, outfit=outfit).exists()
    page.screenshot(path=str(screenshot_dir / "plan.png"), full_page=True)

    # 6. The stats.
    page.goto(live_server.url + "/stats/")
    assert page.locator("svg[role=img]").count() >= 3
    page.screenshot(path=str(screenshot_dir / "stats.png"), full_page=True)
    page.goto(live_server.url + "/closet/")
    page.screenshot(path=str(screenshot_dir / "closet.png"), full_page=True)
