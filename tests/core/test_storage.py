"""Private files on local disk: reached only through a signed URL bound to one file that expires (CLO-1)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from core import storage as private_storage

pytestmark = [pytest.mark.promise("CLO-1"), pytest.mark.django_db]


def _save(name: str = "photos/coat.jpg", content: bytes = b"jpeg bytes") -> str:
    return default_storage.save(name, ContentFile(content))


def test_a_signed_url_serves_exactly_its_file(client):
    name = _save()
    response = client.get(private_storage.private_url(name))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"jpeg bytes"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_it_expires_after_five_minutes_by_default(client, monkeypatch):
    name = _save()
    url = private_storage.private_url(name)
    now = private_storage.time.time()
    expires = int(parse_qs(urlsplit(url).query)["expires"][0])
    assert 299 <= expires - now <= 300

    monkeypatch.setattr(private_storage.time, "time", lambda: now + 301)
    assert client.get(url).status_code == 403


def test_the_expiry_is_a_setting(client, settings):
    settings.PRIVATE_FILE_URL_MAX_AGE = 30
    url = private_storage.private_url(_save())
    expires = int(parse_qs(urlsplit(url).query)["expires"][0])
    assert expires - private_storage.time.time() <= 30


def test_a_file_without_a_signature_is_refused(client):
    name = _save()
    assert client.get(f"/files/{name}").status_code == 403


def test_a_signature_for_one_file_does_not_open_another(client):
    coat, passport = _save("photos/coat.jpg"), _save("photos/passport.jpg", b"secret")
    url = private_storage.private_url(coat)
    assert client.get(url.replace(coat, passport)).status_code == 403


def test_changing_the_expiry_breaks_the_signature(client):
    url = private_storage.private_url(_save())
    expires = parse_qs(urlsplit(url).query)["expires"][0]
    assert client.get(url.replace(f"expires={expires}", f"expires={int(expires) + 3600}")).status_code == 403


def test_a_forged_signature_is_refused(client):
    url = private_storage.private_url(_save())
    signature = parse_qs(urlsplit(url).query)["signature"][0]
    assert client.get(url.replace(signature, "A" * len(signature))).status_code == 403


def test_a_path_outside_private_storage_is_not_served_even_when_signed(client):
    url = private_storage.PrivateFileSystemStorage().url("../../../../etc/passwd")
    assert client.get(url).status_code == 404


def test_a_deleted_file_is_gone_even_with_a_valid_link(client):
    name = _save()
    url = private_storage.private_url(name)
    default_storage.delete(name)
    assert client.get(url).status_code == 404


def test_upload_names_never_keep_the_users_file_name():
    upload_to = private_storage.PrivateUploadTo("photos")
    name = upload_to(None, "Alice Smith passport scan.JPG")
    assert name.startswith("photos/") and name.endswith(".jpg")
    assert "Alice" not in name and "passport" not in name


@pytest.mark.django_db(transaction=True)
def test_files_are_deleted_only_after_the_transaction_commits():
    from django.db import transaction

    name = _save()
    with transaction.atomic():
        private_storage.private_files_delete_on_commit(name)
        assert default_storage.exists(name), "deleted before the row's deletion was committed"
    assert not default_storage.exists(name)

    kept = _save()
    with pytest.raises(RuntimeError), transaction.atomic():
        private_storage.private_files_delete_on_commit(kept)
        raise RuntimeError("the row's deletion rolled back")
    assert default_storage.exists(kept)
