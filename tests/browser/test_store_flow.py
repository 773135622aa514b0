"""Connecting a store in a real browser: the consent screen, an optional field unticked, the pseudonym issued,
then Settings → Connected stores and revoking it there (issue 8)."""

from __future__ import annotations

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlencode, urlparse

import pytest

from stores.models import StoreConnection
from stores.services.connections import store_register
from tests.accounts.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def _sign_in(page, live_server, email: str) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.mark.promise("STO-1")
def test_connect_a_store_untick_a_field_see_it_in_settings_and_revoke_it(
    live_server, page, user, screenshot_dir, celery_eager
):
    callback = live_server.url + "/healthz"  # any page of ours: the browser only has to land on the store's URI
    store, _secrets = store_register(
        name="Linen House",
        website="https://linenhouse.example/",
        privacy_policy_url="https://linenhouse.example/privacy",
        redirect_uris=[callback],
        fields=["openid", "profile", "email", "sizes", "style"],
    )
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    query = urlencode(
        {
            "response_type": "code",
            "client_id": store.client_id,
            "redirect_uri": callback,
            "scope": "openid profile sizes",
            "state": "st4te",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    _sign_in(page, live_server, user.email)
    page.goto(f"{live_server.url}/identity/o/authorize?{query}")
    page.get_by_role("heading", name="Linen House would like to recognise you").wait_for()
    page.get_by_role("checkbox", name="Your sizes").uncheck()
    page.screenshot(path=str(screenshot_dir / "store-consent.png"), full_page=False)
    page.get_by_role("button", name="Agree and connect").click()
    page.wait_for_url(lambda url: url.startswith(callback))

    redirect = parse_qs(urlparse(page.url).query)
    assert redirect["state"] == ["st4te"] and redirect["code"]
    connection = StoreConnection.objects.get(user=user, store=store)
    assert connection.fields == ["openid", "profile"]

    page.goto(live_server.url + "/settings/stores/")
    page.get_by_text("Linen House").first.wait_for()
    page.screenshot(path=str(screenshot_dir / "connected-stores.png"), full_page=False)

    page.get_by_role("link", name="Revoke").click()
    page.get_by_role("button", name="Revoke now").click()
    page.wait_for_url(lambda url: url.endswith("/settings/stores/"))
    connection.refresh_from_db()
    assert connection.revoked_at is not None
