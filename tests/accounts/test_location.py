"""Location (CON-5): off by default; approximate or precise by choice; kept only while the consent stands."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accounts.models import Location
from privacy.services import consent_record

pytestmark = [pytest.mark.django_db, pytest.mark.promise("CON-5")]


def _allow(user, choice="granted"):
    consent_record(user=user, purpose="location", choice=choice, method="settings", channel="web")


def test_location_is_off_by_default(api_client, user):
    response = api_client.put("/api/v1/profile/location/", {"precision": "approximate", "place": "Helsinki"})
    assert response.status_code == 403 and "Turn on Location" in response.json()["detail"]
    assert not Location.objects.exists()


def test_approximate_keeps_only_a_place(api_client, user):
    _allow(user)
    response = api_client.put(
        "/api/v1/profile/location/", {"precision": "approximate", "place": "Helsinki", "latitude": "60.17"}
    )
    assert response.status_code == 200
    location = Location.objects.get(user=user)
    assert (location.place, location.latitude, location.longitude) == ("Helsinki", None, None)


def test_precise_is_rounded_to_about_100_metres(api_client, user):
    _allow(user)
    api_client.put(
        "/api/v1/profile/location/", {"precision": "precise", "latitude": "60.169856", "longitude": "24.938379"}
    )
    location = Location.objects.get(user=user)
    assert (location.latitude, location.longitude) == (Decimal("60.170"), Decimal("24.938"))


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"precision": "approximate", "place": ""}, "place"),
        ({"precision": "precise", "latitude": "60"}, "latitude"),
        ({"precision": "precise", "latitude": "95", "longitude": "10"}, "latitude"),
        ({"precision": "exact-ish"}, "precision"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(api_client, user, payload, field):
    _allow(user)
    response = api_client.put("/api/v1/profile/location/", payload)
    assert response.status_code == 400 and field in response.json()["errors"]
    assert not Location.objects.exists()


def test_withdrawing_the_consent_deletes_the_location(api_client, user):
    _allow(user)
    api_client.put("/api/v1/profile/location/", {"precision": "approximate", "place": "Helsinki"})
    _allow(user, choice="withdrawn")
    assert not Location.objects.exists()
    assert api_client.get("/api/v1/profile/location/").status_code == 404


def test_the_web_form_saves_and_forgets(client, user):
    _allow(user)
    client.force_login(user)
    assert "Use my precise location" in client.get("/settings/profile/").content.decode()
    client.post("/settings/profile/location/", {"precision": "approximate", "place": "Turku"})
    assert Location.objects.get(user=user).place == "Turku"
    client.post("/settings/profile/location/", {"forget": "1"})
    assert not Location.objects.exists()


def test_without_consent_the_page_points_to_the_privacy_settings(client, user):
    client.force_login(user)
    assert "Turn on Location in" in client.get("/settings/profile/").content.decode()
    client.post("/settings/profile/location/", {"precision": "approximate", "place": "Turku"})
    assert not Location.objects.exists()
