"""The cookie banner in a real browser (CON-3): the cookies before and after each choice, and with GPC."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.promise("CON-3")]
STRICTLY_NECESSARY = {"csrftoken", "sessionid", "sc_device"}


def _cookie_names(context) -> set[str]:
    return {cookie["name"] for cookie in context.cookies()}


@pytest.mark.parametrize(("button", "analytics"), [("Reject", False), ("Accept analytics", True)])
def test_the_cookies_before_and_after_each_choice(live_server, chromium, screenshot_dir, button, analytics):
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(live_server.url + "/")
    banner = page.locator("#cookie-banner")
    assert banner.is_visible()
    assert _cookie_names(context) <= STRICTLY_NECESSARY, "a non-essential cookie was set before any choice"
    if not analytics:
        page.screenshot(path=str(screenshot_dir / "cookie-banner.png"))

    reject, accept = page.get_by_role("button", name="Reject"), page.get_by_role("button", name="Accept analytics")
    assert reject.is_visible() and accept.is_visible()
    assert reject.bounding_box()["height"] == accept.bounding_box()["height"], "Reject must be as easy as Accept"

    page.get_by_role("button", name=button).click()
    banner.wait_for(state="detached")
    assert "sc_consent" in _cookie_names(context)
    page.reload()
    assert not page.locator("#cookie-banner").count()
    assert ("sc_analytics" in _cookie_names(context)) is analytics
    context.close()


def test_global_privacy_control_is_an_opt_out_without_a_banner(live_server, chromium):
    context = chromium.new_context(extra_http_headers={"Sec-GPC": "1"})
    page = context.new_page()
    page.goto(live_server.url + "/")
    assert not page.locator("#cookie-banner").count()
    page.reload()
    assert "sc_analytics" not in _cookie_names(context)
    from privacy.models import ConsentEvent

    assert list(ConsentEvent.objects.values_list("method", "choice")) == [("gpc", "declined")]
    context.close()
