"""Files for support tests, made in memory: a phone photo full of metadata, a PDF, and things we refuse."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from config.celery import app as celery_app
from core.storage import private_storage_walk
from tests.accounts.factories import UserFactory
from tests.support.factories import PDF_BYTES

CAMERA = "SecretCam X9000"
PERSON = "Jane Q. Doe"


def jpeg_with_exif(size=(300, 200)) -> bytes:
    """A JPEG carrying camera details, the photographer's name and GPS: everything that must not be stored."""
    exif = Image.Exif()
    exif[ExifTags.Base.Model] = CAMERA
    exif[ExifTags.Base.Artist] = PERSON
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (51.0, 30.0, 26.0)
    buffer = io.BytesIO()
    Image.new("RGB", size, (0x1F, 0x2A, 0x44)).save(buffer, format="JPEG", exif=exif, quality=92)
    data = buffer.getvalue()
    assert CAMERA.encode() in data and PERSON.encode() in data  # the fixture really carries what we strip
    return data


def photo_upload(name: str = "IMG_0001.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_with_exif(), content_type="image/jpeg")


def pdf_upload(name: str = "invoice-jane-doe.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def text_named_jpg() -> SimpleUploadedFile:
    return SimpleUploadedFile("holiday.jpg", b"just some text, not a picture\n", content_type="image/jpeg")


def stored_files() -> list[str]:
    return sorted(private_storage_walk())


def read_stored(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return handle.read()


@pytest.fixture
def eager():
    """Celery runs tasks in this process, at once (there is no worker in tests)."""
    before = (celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates)
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = before


@pytest.fixture
def staff_user(db):
    return UserFactory(email="staff@example.com", display_name="Sam", is_staff=True, is_superuser=True)
