"""The profile (ACC-5): every field optional, editable and clearable, on the web and the API; the avatar goes
through the image pipeline (metadata stripped, CLO-2) into private storage (CLO-1)."""

from __future__ import annotations

import io
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.models import Profile
from tests.accounts.factories import ProfileFactory

pytestmark = [pytest.mark.django_db, pytest.mark.promise("ACC-5")]


def _photo(*, name: str = "me.jpg", model: str = "Pixel 9 Pro", size=(640, 480)) -> SimpleUploadedFile:
    exif = Image.Exif()
    exif[0x0110] = model  # camera model
    exif.get_ifd(0x8825)[2] = (60.0, 10.0, 12.5)  # GPS latitude
    buffer = io.BytesIO()
    Image.new("RGB", size, (31, 42, 68)).save(buffer, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


class TestProfileApi:
    def test_a_new_person_has_an_empty_profile(self, api_client, user):
        body = api_client.get("/api/v1/profile/").json()
        assert body["email"] == user.email and body["display_name"] == "Alice"
        assert body["avatar_url"] is None and body["vibes"] == [] and body["height_cm"] is None

    def test_every_field_can_be_set(self, api_client, user):
        changes = {
            "display_name": "Ali",
            "locale": "fr",
            "timezone": "Europe/Paris",
            "unit_system": "metric",
            "height_cm": "172.5",
            "chest_cm": "90",
            "waist_cm": "71",
            "hips_cm": "98",
            "inseam_cm": "80",
            "shoe_size": "EU 39",
            "vibes": ["minimal", "classic"],
            "favourite_colours": ["navy", "camel"],
            "avoided_colours": ["neon green"],
            "fit_preferences": ["relaxed", "high-rise"],
        }
        response = api_client.patch("/api/v1/profile/", changes, format="json")
        assert response.status_code == 200, response.content
        profile = Profile.objects.get(user=user)
        user.refresh_from_db()
        assert user.display_name == "Ali"
        assert profile.height_cm == Decimal("172.5") and profile.shoe_size == "EU 39"
        assert profile.vibes == ["minimal", "classic"] and profile.avoided_colours == ["neon green"]
        assert response.json()["timezone"] == "Europe/Paris"

    def test_every_field_can_be_cleared(self, api_client, user):
        ProfileFactory(user=user, height_cm=Decimal("170"), shoe_size="EU 40", vibes=["edgy"], timezone="UTC")
        response = api_client.patch(
            "/api/v1/profile/",
            {"height_cm": None, "shoe_size": "", "vibes": [], "timezone": "", "display_name": ""},
            format="json",
        )
        assert response.status_code == 200, response.content
        profile = Profile.objects.get(user=user)
        assert (profile.height_cm, profile.shoe_size, profile.vibes, profile.timezone) == (None, "", [], "")

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"height_cm": "900"}, "height_cm"),
            ({"waist_cm": "-3"}, "waist_cm"),
            ({"vibes": ["gothic-cyberpunk"]}, "vibes"),
            ({"timezone": "Mars/Olympus"}, "timezone"),
            ({"unit_system": "cubits"}, "unit_system"),
            ({"favourite_colours": ["x" * 31]}, "favourite_colours"),
        ],
    )
    def test_invalid_values_name_the_field_and_change_nothing(self, api_client, user, changes, field):
        ProfileFactory(user=user, height_cm=Decimal("170"), waist_cm=Decimal("70"), timezone="UTC")
        response = api_client.patch("/api/v1/profile/", {**changes, "shoe_size": "EU 41"}, format="json")
        assert response.status_code == 400
        body = response.json()
        assert body["code"] == "invalid" and field in body["errors"]
        profile = Profile.objects.get(user=user)
        assert (profile.height_cm, profile.waist_cm, profile.timezone, profile.shoe_size) == (
            Decimal("170"),
            Decimal("70"),
            "UTC",
            "",
        )

    def test_the_api_only_ever_shows_your_own_profile(self, api_client, other_user):
        ProfileFactory(user=other_user, shoe_size="EU 45")
        assert api_client.get("/api/v1/profile/").json()["shoe_size"] == ""
        assert api_client.get(f"/api/v1/profile/{other_user.pk}/").status_code == 404

    def test_anonymous_visitors_get_401(self, anonymous_api_client):
        assert anonymous_api_client.get("/api/v1/profile/").status_code == 401


@pytest.mark.promise("CLO-2")
class TestAvatar:
    def test_an_avatar_is_stored_privately_without_any_metadata(self, api_client, user, client):
        response = api_client.patch("/api/v1/profile/", {"avatar": _photo()}, format="multipart")
        assert response.status_code == 200, response.content
        profile = Profile.objects.get(user=user)
        stored = default_storage.open(profile.avatar.name).read()
        assert b"Pixel 9 Pro" not in stored and b"Exif" not in stored
        assert Image.open(io.BytesIO(stored)).getexif() == {}
        assert profile.avatar.name.startswith("avatars/") and "me" not in profile.avatar.name

        url = response.json()["avatar_url"]
        assert "signature=" in url and "expires=" in url
        assert client.get(url).status_code == 200
        assert client.get(urlsplit(url).path).status_code == 403

    def test_a_large_avatar_is_scaled_down(self, api_client, user):
        api_client.patch("/api/v1/profile/", {"avatar": _photo(size=(2400, 1600))}, format="multipart")
        stored = default_storage.open(Profile.objects.get(user=user).avatar.name).read()
        assert max(Image.open(io.BytesIO(stored)).size) == 512

    def test_replacing_an_avatar_deletes_the_old_file(self, api_client, user, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            api_client.patch("/api/v1/profile/", {"avatar": _photo()}, format="multipart")
        first = Profile.objects.get(user=user).avatar.name
        with django_capture_on_commit_callbacks(execute=True):
            api_client.patch("/api/v1/profile/", {"avatar": _photo(model="Other")}, format="multipart")
        assert not default_storage.exists(first)

    def test_removing_the_avatar_deletes_its_file(self, api_client, user, django_capture_on_commit_callbacks):
        api_client.patch("/api/v1/profile/", {"avatar": _photo()}, format="multipart")
        name = Profile.objects.get(user=user).avatar.name
        with django_capture_on_commit_callbacks(execute=True):
            response = api_client.patch("/api/v1/profile/", {"avatar": None}, format="json")
        assert response.json()["avatar_url"] is None
        assert not default_storage.exists(name)

    def test_a_file_that_is_not_a_picture_is_refused_and_the_old_avatar_stays(self, api_client, user):
        api_client.patch("/api/v1/profile/", {"avatar": _photo()}, format="multipart")
        before = Profile.objects.get(user=user).avatar.name
        fake = SimpleUploadedFile("cv.jpg", b"%PDF-1.7 not a photo at all", content_type="image/jpeg")
        response = api_client.patch("/api/v1/profile/", {"avatar": fake}, format="multipart")
        assert response.status_code == 400
        assert "not a picture" in response.json()["errors"]["avatar"][0]
        assert Profile.objects.get(user=user).avatar.name == before

    def test_an_oversized_avatar_is_refused_with_the_limit(self, api_client, user, settings):
        settings.IMAGE_UPLOAD_MAX_BYTES = 1024
        response = api_client.patch("/api/v1/profile/", {"avatar": _photo()}, format="multipart")
        assert response.status_code == 400
        assert "limit" in response.json()["errors"]["avatar"][0]
        assert not Profile.objects.filter(user=user).exclude(avatar="").exists()


class TestProfilePage:
    def test_the_page_saves_the_profile(self, client, user):
        client.force_login(user)
        response = client.post(
            "/settings/profile/",
            {
                "display_name": "Alice B.",
                "locale": "en-gb",
                "timezone": "Europe/London",
                "unit_system": "metric",
                "waist_cm": "71",
                "vibes": ["minimal", "vintage"],
                "favourite_colours": "navy, camel , ",
            },
        )
        assert response.status_code == 302
        profile = Profile.objects.get(user=user)
        user.refresh_from_db()
        assert user.display_name == "Alice B."
        assert profile.waist_cm == Decimal("71") and profile.vibes == ["minimal", "vintage"]
        assert profile.favourite_colours == ["navy", "camel"]
        assert "Your profile is saved." in client.get("/settings/profile/").content.decode()

    def test_bad_input_shows_a_message_and_saves_nothing(self, client, user):
        client.force_login(user)
        response = client.post("/settings/profile/", {"waist_cm": "lots", "timezone": "Nowhere/Special"})
        assert response.status_code == 400
        html = response.content.decode()
        assert "Enter a number." in html
        assert not Profile.objects.filter(user=user).exists()

    def test_a_non_image_avatar_gets_a_form_message(self, client, user):
        client.force_login(user)
        fake = SimpleUploadedFile("me.png", b"GIF89a fake", content_type="image/png")
        response = client.post("/settings/profile/", {"avatar_upload": fake})
        assert response.status_code == 400
        assert "not a picture we can read" in response.content.decode()
        assert not Profile.objects.filter(user=user).exclude(avatar="").exists()
