"""Playwright driving Debian's headless Chromium against the live test server.

Playwright's own browser download cannot run here, so the system Chromium is launched by path
(``CHROMIUM_PATH``, else ``chromium`` on PATH). Screenshots go to ``test-artifacts/screenshots`` unless
``SCREENSHOT_DIR`` says otherwise (``make screenshots`` points it at docs/screenshots for the README).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test body are still
# synchronous and safe here, so silence Django's async-safety guard for browser tests only.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM:
                item.add_marker(pytest.mark.skip(reason="Chromium is not installed (apt-get install chromium)"))


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    """A browser that has already answered the cookie banner ("Reject"), so the banner does not cover what the
    test clicks; tests/browser/test_cookie_banner.py tests the banner itself with fresh contexts."""
    from django.core import signing

    from privacy import cookies

    context = chromium.new_context(viewport={"width": 1280, "height": 860})
    choice = signing.dumps({"v": "browser-test", "a": 0, "g": 0}, salt=cookies._SALT)
    context.add_cookies([{"name": cookies.CHOICE_COOKIE, "value": choice, "url": live_server.url}])
    yield context.new_page()
    context.close()


@pytest.fixture
def screenshot_dir() -> Path:
    folder = Path(os.environ.get("SCREENSHOT_DIR") or ROOT / "test-artifacts" / "screenshots")
    if not folder.is_absolute():
        folder = ROOT / folder
    folder.mkdir(parents=True, exist_ok=True)
    return folder
