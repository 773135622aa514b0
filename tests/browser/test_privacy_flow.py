"""Rights in a real browser: download an export and find your item in it; delete the account and find that
the old credentials no longer sign in (issue 7)."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from tests.accounts.factories import PASSWORD
from tests.closet.factories import ItemFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _sign_in(page, live_server, email: str) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.mark.promise("RGT-2")
def test_request_an_export_download_it_and_find_the_item(live_server, page, user, celery_eager, screenshot_dir):
    ItemFactory(owner=user, name="Cornflower linen shirt")
    _sign_in(page, live_server, user.email)

    page.goto(live_server.url + "/settings/privacy/")
    page.get_by_role("button", name="Prepare my export").click()
    page.goto(live_server.url + "/settings/privacy/")
    download_link = page.get_by_role("link", name="Download", exact=True)
    download_link.wait_for()
    page.screenshot(path=str(screenshot_dir / "privacy-settings.png"), full_page=False)
    with page.expect_download() as download_info:
        download_link.click()
    bundle = zipfile.ZipFile(io.BytesIO(download_info.value.path().read_bytes()))

    data = json.loads(bundle.read("data.json"))
    assert "Cornflower linen shirt" in json.dumps(data)
    assert "manifest.json" in bundle.namelist()


@pytest.mark.promise("RGT-4")
def test_delete_the_account_then_the_old_credentials_no_longer_sign_in(
    live_server, page, user, celery_eager, screenshot_dir
):
    _sign_in(page, live_server, user.email)

    page.goto(live_server.url + "/settings/privacy/")
    page.get_by_role("link", name="Delete my account…").click()
    page.wait_for_url("**/accounts/reauthenticate/**")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/settings/privacy/delete-account/")
    page.fill("input[name=email]", user.email)
    page.screenshot(path=str(screenshot_dir / "delete-account.png"), full_page=False)
    page.get_by_role("button", name="Close and erase my account").click()
    page.get_by_role("heading", name="Your account is closed").wait_for()

    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state()
    assert "/accounts/login/" in page.url or "/accounts/inactive/" in page.url
    page.goto(live_server.url + "/closet/")
    assert "/accounts/login/" in page.url  # not signed in
