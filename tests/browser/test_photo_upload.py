"""Photos in a real browser: drop a photo on an item, watch it being prepared, see it appear; review drafts."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image

from closet.models import Item, ItemPhoto, ItemStatus, PhotoStatus
from closet.services.photos import item_photo_process
from tests.accounts.factories import PASSWORD
from tests.closet.factories import ItemFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _jpeg(fill=(0x1F, 0x2A, 0x44)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), fill).save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def _sign_in(page, live_server, user) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(live_server.url + "/closet/")


def _process_all() -> None:
    """What the worker would do (there is none in tests)."""
    for photo_id in ItemPhoto.objects.filter(status=PhotoStatus.PROCESSING).values_list("pk", flat=True):
        item_photo_process(photo_id=photo_id)


def test_a_dropped_photo_is_uploaded_prepared_and_shown(live_server, page, user, screenshot_dir):
    item = ItemFactory(owner=user, name="Navy jumper")
    _sign_in(page, live_server, user)
    page.goto(f"{live_server.url}/closet/items/{item.pk}/")
    assert page.locator("[data-dropzone] input[type=file]").count() == 1

    transfer = page.evaluate_handle(
        """(b64) => {
            const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], "jumper.jpg", { type: "image/jpeg" }));
            return transfer;
        }""",
        base64.b64encode(_jpeg()).decode(),
    )
    page.dispatch_event("[data-dropzone]", "drop", {"dataTransfer": transfer})

    page.wait_for_selector("text=Preparing your photo", timeout=10_000)  # swapped in by htmx, no reload
    assert ItemPhoto.objects.filter(item=item, status=PhotoStatus.PROCESSING).count() == 1

    _process_all()
    photo = page.locator("img.detail__photo")
    photo.wait_for(timeout=10_000)  # the panel polls every 2 s until the photo is ready
    assert "/files/photos/" in photo.get_attribute("src") and "signature=" in photo.get_attribute("src")
    assert page.evaluate("document.querySelector('img.detail__photo').naturalWidth") == 640
    page.screenshot(path=str(screenshot_dir / "item-photos.png"), full_page=True)


def test_many_photos_become_drafts_to_review_and_save(live_server, page, user, screenshot_dir):
    _sign_in(page, live_server, user)
    page.goto(live_server.url + "/closet/add-photos/")
    page.set_input_files(
        "#bulk-photos",
        [
            {"name": f"photo-{n}.jpg", "mimeType": "image/jpeg", "buffer": _jpeg(fill)}
            for n, fill in enumerate([(0x1F, 0x2A, 0x44), (0xC6, 0x28, 0x28)])
        ],
    )
    page.wait_for_url(live_server.url + "/closet/review/", timeout=10_000)
    assert page.locator(".review-card").count() == 2

    _process_all()
    page.reload()
    first = page.locator(".review-card").first
    first.locator("input[name$='-name']").fill("Navy crew neck")
    first.get_by_role("button", name="Save this draft").click()
    page.wait_for_selector("text=Navy crew neck is in your closet", timeout=10_000)
    page.screenshot(path=str(screenshot_dir / "review.png"), full_page=True)

    saved = Item.objects.get(owner=user, name="Navy crew neck")
    assert saved.status == ItemStatus.ACTIVE and saved.colours.exists()
    assert Item.objects.filter(owner=user, status=ItemStatus.DRAFT).count() == 1
