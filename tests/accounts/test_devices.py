"""Devices (ACC-4): recognised by a first-party cookie whose keyed hash is all we keep; a new device triggers a
security e-mail (ACC-2); signing a device out ends its sessions at once."""

from __future__ import annotations

import json

import pytest
from allauth.usersessions.models import UserSession
from django.apps import apps
from django.core import serializers
from django.test import Client

from accounts.models import Device
from accounts.services import device_token_hash
from tests.accounts.factories import PASSWORD, DeviceFactory

pytestmark = [pytest.mark.django_db, pytest.mark.promise("ACC-4")]

FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)


def _browser(user_agent: str = FIREFOX_WINDOWS) -> Client:
    return Client(headers={"User-Agent": user_agent})


def _sign_in(browser: Client, user) -> None:
    response = browser.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content


def test_nobody_browsing_anonymously_gets_a_device_cookie(client):
    response = client.get("/")
    assert "sc_device" not in response.cookies


def test_signing_in_sets_a_first_party_http_only_cookie_and_keeps_only_its_hash(user):
    browser = _browser()
    _sign_in(browser, user)
    cookie = browser.cookies["sc_device"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    device = Device.objects.get(owner=user)
    assert device.token_hash == device_token_hash(cookie.value)
    everything = "\n".join(serializers.serialize("json", m._default_manager.all()) for m in apps.get_models())
    assert cookie.value not in everything
    assert device.name == "Firefox on Windows"


@pytest.mark.promise("ACC-2")
def test_the_first_device_of_an_account_sends_no_alert(user, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _sign_in(_browser(), user)
    assert mailoutbox == []


@pytest.mark.promise("ACC-2")
def test_a_sign_in_from_a_new_device_sends_a_security_alert(user, mailoutbox, django_capture_on_commit_callbacks):
    _sign_in(_browser(FIREFOX_WINDOWS), user)
    with django_capture_on_commit_callbacks(execute=True):
        _sign_in(_browser(SAFARI_IPHONE), user)

    (alert,) = mailoutbox
    assert alert.to == [user.email]
    assert "New sign-in: Safari on iPhone" in alert.subject
    assert "Safari on iPhone" in alert.body
    device = Device.objects.get(owner=user, user_agent=SAFARI_IPHONE)
    assert device.first_seen_at.strftime("%H:%M") in alert.body
    assert "http://testserver/settings/devices/" in alert.body


@pytest.mark.promise("ACC-2")
def test_the_same_device_signing_in_again_is_recognised(user, mailoutbox, django_capture_on_commit_callbacks):
    browser = _browser()
    with django_capture_on_commit_callbacks(execute=True):
        _sign_in(browser, user)
        _sign_in(_browser(SAFARI_IPHONE), user)
    assert len(mailoutbox) == 1
    browser.post("/accounts/logout/")
    with django_capture_on_commit_callbacks(execute=True):
        _sign_in(browser, user)
    assert len(mailoutbox) == 1, "a known device raised a new-device alert"
    assert Device.objects.filter(owner=user).count() == 2


def test_signing_a_device_out_ends_its_sessions_and_only_its_sessions(user):
    laptop, phone = _browser(FIREFOX_WINDOWS), _browser(SAFARI_IPHONE)
    _sign_in(laptop, user)
    _sign_in(phone, user)
    assert phone.get("/closet/").status_code == 200
    phone_device = Device.objects.get(owner=user, user_agent=SAFARI_IPHONE)
    assert UserSession.objects.filter(user=user).count() == 2

    response = laptop.post(f"/settings/devices/{phone_device.pk}/sign-out/")
    assert response.status_code == 302

    assert phone.get("/closet/").status_code == 302, "the phone is still signed in"
    assert laptop.get("/closet/").status_code == 200, "the laptop was signed out too"
    assert not Device.objects.filter(pk=phone_device.pk).exists()
    assert UserSession.objects.filter(user=user).count() == 1


def test_signing_out_the_current_device_signs_you_out(user):
    laptop = _browser()
    _sign_in(laptop, user)
    device = Device.objects.get(owner=user)
    response = laptop.post(f"/settings/devices/{device.pk}/sign-out/")
    assert response["Location"] == "/accounts/login/"
    assert laptop.get("/closet/").status_code == 302


def test_signing_out_everywhere_ends_every_session(user):
    laptop, phone = _browser(FIREFOX_WINDOWS), _browser(SAFARI_IPHONE)
    _sign_in(laptop, user)
    _sign_in(phone, user)
    laptop.post("/settings/account/sign-out-everywhere/")
    assert laptop.get("/closet/").status_code == 302
    assert phone.get("/closet/").status_code == 302
    assert not UserSession.objects.filter(user=user).exists()


def test_the_devices_page_lists_them_and_marks_this_one(user):
    laptop = _browser(FIREFOX_WINDOWS)
    _sign_in(_browser(SAFARI_IPHONE), user)
    _sign_in(laptop, user)
    html = laptop.get("/settings/devices/").content.decode()
    assert "Firefox on Windows" in html and "Safari on iPhone" in html
    assert html.count("This device") == 1
    assert html.index("This device") > html.index("Firefox on Windows") > 0


def test_the_page_reports_time_zone_and_screen_size(user):
    laptop = _browser()
    _sign_in(laptop, user)
    response = laptop.post(
        "/settings/devices/current/",
        json.dumps({"timezone": "Europe/Helsinki", "screen": "1440x900"}),
        content_type="application/json",
    )
    assert response.status_code == 204
    device = Device.objects.get(owner=user)
    assert (device.timezone, device.screen) == ("Europe/Helsinki", "1440x900")


@pytest.mark.parametrize(
    "payload", [{"timezone": "Mars/Olympus", "screen": "1440x900"}, {"timezone": "UTC", "screen": "<script>"}]
)
def test_a_malformed_report_is_refused_and_changes_nothing(user, payload):
    laptop = _browser()
    _sign_in(laptop, user)
    response = laptop.post("/settings/devices/current/", json.dumps(payload), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    device = Device.objects.get(owner=user)
    assert (device.timezone, device.screen) == ("", "")


def test_the_api_lists_devices_and_signs_one_out(api_client, user):
    DeviceFactory(owner=user)
    other = DeviceFactory(owner=user)
    listed = api_client.get("/api/v1/devices/").json()
    assert listed["count"] == 2
    assert {d["name"] for d in listed["results"]} == {"Chrome on Linux"}
    assert api_client.delete(f"/api/v1/devices/{other.pk}/").status_code == 204
    assert not Device.objects.filter(pk=other.pk).exists()


def test_another_users_devices_are_not_listed(api_client, other_user):
    DeviceFactory(owner=other_user)
    assert api_client.get("/api/v1/devices/").json()["count"] == 0


def test_signing_out_everywhere_also_ends_app_session_tokens(client, user):
    from rest_framework.test import APIClient

    from accounts.services import account_sign_out_everywhere

    signed_in = client.post(
        "/_allauth/app/v1/auth/login",
        json.dumps({"email": user.email, "password": PASSWORD}),
        content_type="application/json",
        headers={"X-Device-Id": "a" * 43},
    )
    token = signed_in.json()["meta"]["session_token"]
    app = APIClient(headers={"X-Session-Token": token})
    assert app.get("/api/v1/profile/").status_code == 200
    assert Device.objects.get(owner=user).token_hash == device_token_hash("a" * 43)

    account_sign_out_everywhere(user=user)
    assert app.get("/api/v1/profile/").status_code == 401
