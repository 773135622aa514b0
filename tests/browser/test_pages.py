"""What a person sees in a real browser."""

from __future__ import annotations

import pytest

from tests.accounts.factories import PASSWORD
from tests.closet.factories import ItemFactory, category, colour

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_landing_page_says_what_sesiocloset_is(live_server, page, screenshot_dir):
    response = page.goto(live_server.url + "/")
    assert response.status == 200
    assert "SesioCloset" in page.title()
    assert page.locator("h1").first.is_visible()
    assert "closet" in page.locator("main").inner_text().lower()
    stylesheet_applied = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Times" not in stylesheet_applied, "the stylesheet did not load"
    assert page.evaluate("typeof window.htmx") == "object", "htmx did not load"
    page.screenshot(path=str(screenshot_dir / "landing.png"), full_page=True)


def test_a_phone_sees_the_landing_page_without_sideways_scrolling(live_server, chromium, screenshot_dir):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    page.goto(live_server.url + "/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=str(screenshot_dir / "landing-phone.png"))
    context.close()


def test_signing_in_opens_the_closet(live_server, page, user, screenshot_dir):
    for name, slug, colours, brand in [
        ("Camel trench coat", "outerwear", ["camel"], "COS"),
        ("White leather sneakers", "shoes", ["white"], "Veja"),
        ("Striped Breton top", "tops", ["navy", "white"], "Armor Lux"),
        ("Straight dark jeans", "bottoms", ["denim"], "Levi's"),
    ]:
        ItemFactory(owner=user, name=name, category=category(slug), colours=[colour(c) for c in colours], brand=brand)
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(live_server.url + "/closet/")
    assert page.get_by_text("Camel trench coat").is_visible()
    page.screenshot(path=str(screenshot_dir / "closet.png"), full_page=True)

    page.get_by_text("Camel trench coat").click()
    page.wait_for_url("**/closet/items/**")
    assert page.locator("h1").inner_text() == "Camel trench coat"
