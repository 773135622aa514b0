"""Signing up in a real browser: the form with our extra fields, the e-mail confirmation, the first profile."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from accounts.models import Profile

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL = "new.person@example.com"
PASSWORD = "a long fresh passphrase 42"
CONFIRMATION_LINK = re.compile(r"https?://\S+/accounts/confirm-email/[^/\s]+/")


def _fill_signup(page, *, email: str, born: str, display_name: str = "Noa") -> None:
    page.fill("input[name=email]", email)
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=display_name]", display_name)
    page.fill("input[name=date_of_birth]", born)


def _submit(page) -> None:
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()


def test_signing_up_confirming_the_address_and_filling_in_the_profile(live_server, page, mailoutbox, screenshot_dir):
    response = page.goto(live_server.url + "/accounts/signup/")
    assert response.status == 200
    date_input = page.locator("input[name=date_of_birth]")
    assert date_input.get_attribute("type") == "date"
    assert page.locator("input[name=display_name]").is_visible()
    _fill_signup(page, email=EMAIL, born="1990-04-12")
    page.screenshot(path=str(screenshot_dir / "signup.png"), full_page=True)
    _submit(page)

    # Mandatory verification: the account exists, unverified, and the person is asked to check their inbox.
    page.wait_for_url("**/accounts/confirm-email/")
    assert "verify your email" in page.locator("main").inner_text().lower()
    user = get_user_model().objects.get(email=EMAIL)
    assert user.display_name == "Noa"
    assert user.age_check_passed_at is not None
    assert not EmailAddress.objects.get(user=user).verified

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [EMAIL]
    link = CONFIRMATION_LINK.search(message.body)
    assert link, message.body
    assert link.group(0).startswith(live_server.url)

    page.goto(link.group(0))
    confirm = page.locator("main form button[type=submit]")
    assert confirm.inner_text().strip() == "Confirm"
    with page.expect_navigation():
        confirm.click()
    assert EmailAddress.objects.get(user=user).verified

    # ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION signs the person in when they confirm in the browser they signed up
    # in; otherwise they sign in with their password.
    if "/accounts/login/" in page.url:
        page.fill("input[name=login]", EMAIL)
        page.fill("input[name=password]", PASSWORD)
        _submit(page)
    page.goto(live_server.url + "/settings/profile/")
    assert page.url == live_server.url + "/settings/profile/", "not signed in after confirming the address"
    assert page.locator("input[name=display_name]").input_value() == "Noa"

    page.fill("input[name=display_name]", "Noa K.")
    page.get_by_label("Minimal").check()
    page.fill("input[name=waist_cm]", "71")
    with page.expect_navigation():
        page.get_by_role("button", name="Save profile").click()

    assert page.url == live_server.url + "/settings/profile/"
    assert page.get_by_text("Your profile is saved.").is_visible()
    assert page.locator("input[name=display_name]").input_value() == "Noa K."
    assert page.get_by_label("Minimal").is_checked()
    page.screenshot(path=str(screenshot_dir / "profile.png"), full_page=True)

    profile = Profile.objects.get(user__email=EMAIL)
    assert profile.user.display_name == "Noa K."
    assert profile.vibes == ["minimal"]
    assert profile.waist_cm == Decimal("71")


@pytest.mark.promise("ACC-3")
def test_someone_under_the_minimum_age_is_turned_away_kindly_and_nothing_is_kept(
    live_server, page, mailoutbox, settings, screenshot_dir
):
    settings.MINIMUM_AGE = 17  # the default; the live server thread reads the same settings
    today = date.today()
    ten_years_ago = today.replace(year=today.year - 10, day=min(today.day, 28))
    page.goto(live_server.url + "/accounts/signup/")
    _fill_signup(page, email="young@example.com", born=ten_years_ago.isoformat(), display_name="Kid")
    _submit(page)

    assert page.url.startswith(live_server.url + "/accounts/signup/")
    main = page.locator("main").inner_text()
    assert "Sorry, SesioCloset is for people aged 17 and over" in main
    assert "We haven't kept anything you entered." in main
    page.screenshot(path=str(screenshot_dir / "signup-under-age.png"), full_page=True)

    assert not get_user_model().objects.filter(email="young@example.com").exists()
    assert not EmailAddress.objects.filter(email="young@example.com").exists()
    assert mailoutbox == []
