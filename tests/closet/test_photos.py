"""Photos of items (CLO-1, CLO-2, CLO-4) and fast digitising: the upload only validates, the background job
orients, strips, re-encodes, makes thumbnails and finds colours; files are private, signed and follow their rows.

Every picture is generated in memory. Tests that need the background job run Celery eagerly (the ``eager``
fixture) inside ``django_capture_on_commit_callbacks(execute=True)``, which is where the upload enqueues it.
"""

from __future__ import annotations

import ast
import io
import struct
import zlib
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pillow_heif
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, ImageFile

from closet.models import Item, ItemPhoto, ItemStatus, PhotoStatus
from closet.services import photos as photo_services
from closet.services.items import closet_item_delete
from closet.tasks import photos as photo_tasks
from config.celery import PersonalDataInTaskArguments
from config.celery import app as celery_app
from core import storage as private_storage
from core.images import ImageRejected, image_validate
from core.storage import private_storage_walk
from tests.closet.factories import ItemFactory, ItemPhotoFactory, category, colour

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
NAVY = (0x1F, 0x2A, 0x44)
CAMEL = (0xC1, 0x9A, 0x6B)
CAMERA = "SecretCam X9000"
PERSON = "Jane Q. Doe"


# --- pictures, made in memory ---------------------------------------------------------------------------------------


def _exif(orientation: int | None = 6) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Acme Optics"
    exif[ExifTags.Base.Model] = CAMERA
    exif[ExifTags.Base.Artist] = PERSON
    if orientation is not None:
        exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (51.0, 30.0, 26.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (0.0, 7.0, 39.0)
    return exif


def _picture(size=(300, 200), fill=NAVY) -> Image.Image:
    return Image.new("RGB", size, fill)


def _encode(img: Image.Image, fmt: str, **params) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, format=fmt, **params)
    return buffer.getvalue()


def _jpeg(size=(300, 200), fill=NAVY, orientation: int | None = 6) -> bytes:
    """A JPEG with camera details, the photographer's name, GPS and an orientation: everything we must strip."""
    data = _encode(_picture(size, fill), "JPEG", exif=_exif(orientation), quality=92)
    assert CAMERA.encode() in data and PERSON.encode() in data
    with Image.open(io.BytesIO(data)) as check:  # the fixture must really carry what we strip
        assert check.getexif().get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] == "N"
        assert check.getexif()[ExifTags.Base.Model] == CAMERA
    return data


def _noise_jpeg(size=(400, 300)) -> bytes:
    import random

    img = Image.frombytes("RGB", size, random.Random(0).randbytes(size[0] * size[1] * 3))
    return _encode(img, "JPEG", quality=95)


def _heic(size=(300, 200), fill=NAVY, orientation: int | None = None) -> bytes:
    img = _picture(size, fill)
    exif = _exif(orientation).tobytes()
    buffer = io.BytesIO()
    try:
        img.save(buffer, format="HEIF", exif=exif, quality=90)
    except (KeyError, OSError):  # an opener-only build: use the library's own writer
        buffer = io.BytesIO()
        pillow_heif.from_pillow(img).save(buffer, exif=exif, quality=90)
    return buffer.getvalue()


def _bomb_png(side: int) -> bytes:
    """A valid 1-bit PNG that claims side x side pixels in a few KB."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    row = b"\x00" * (1 + (side + 7) // 8)
    compressor = zlib.compressobj(9)
    idat = bytearray()
    for start in range(0, side, 1000):
        idat += compressor.compress(row * min(1000, side - start))
    idat += compressor.flush()
    ihdr = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", bytes(idat)) + chunk(b"IEND", b"")


FORMATS = {
    "jpeg": lambda: _jpeg(),
    "png": lambda: _encode(_picture(), "PNG"),
    "webp": lambda: _encode(_picture(), "WEBP", exif=_exif(None)),
    "heic": lambda: _heic(),
}


def _upload(data: bytes, name: str = "IMG_0001.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def _stored() -> list[str]:
    return sorted(private_storage_walk())


def _read(name: str) -> bytes:
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
def item(user):
    return ItemFactory(owner=user, name="Navy jumper")


def _photos_url(item) -> str:
    return f"/api/v1/items/{item.pk}/photos/"


def _post_photo(api_client, item, data: bytes, name: str = "IMG_0001.jpg"):
    return api_client.post(_photos_url(item), {"image": _upload(data, name)}, format="multipart")


# --- core.images.image_validate -----------------------------------------------------------------------------------


class TestImageValidate:
    @pytest.mark.parametrize(
        ("kind", "expected"), [("jpeg", "JPEG"), ("png", "PNG"), ("webp", "WEBP"), ("heic", "HEIF")]
    )
    def test_it_names_the_real_format_and_size_without_decoding_a_pixel(self, kind, expected, monkeypatch):
        data = FORMATS[kind]()

        def no_decoding(self):
            raise AssertionError("pixels were decoded during validation")

        monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
        result = image_validate(_upload(data, name="whatever.bin"))

        assert result == (expected, 300, 200)
        assert (result.format, result.width, result.height) == (expected, 300, 200)

    @pytest.mark.parametrize("kind", ["jpeg", "png", "webp", "heic"])
    @pytest.mark.parametrize("keep", [0.5, 0.95])
    def test_a_cut_off_file_is_corrupt(self, kind, keep):
        data = _noise_jpeg() if kind == "jpeg" else FORMATS[kind]()

        with pytest.raises(ImageRejected) as caught:
            image_validate(data[: int(len(data) * keep)])

        assert caught.value.code == "corrupt"
        assert "damaged or incomplete" in caught.value.message

    def test_an_end_marker_inside_the_exif_thumbnail_does_not_hide_a_cut_off_jpeg(self):
        data = _noise_jpeg()
        # An APP1 segment carrying a tiny "thumbnail" that ends with its own end-of-image marker.
        payload = b"Exif\x00\x00" + b"\xff\xd8" + b"\x00" * 16 + b"\xff\xd9"
        with_thumbnail = data[:2] + b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload + data[2:]
        assert image_validate(with_thumbnail).format == "JPEG"

        with pytest.raises(ImageRejected, match="damaged or incomplete"):
            image_validate(with_thumbnail[: len(with_thumbnail) * 2 // 3])

    def test_a_progressive_jpeg_is_complete(self):
        data = _encode(_picture(), "JPEG", progressive=True, quality=90)
        assert image_validate(data).format == "JPEG"

    def test_limits_are_the_pipelines(self, settings):
        settings.IMAGE_UPLOAD_MAX_PIXELS = 100 * 100
        with pytest.raises(ImageRejected) as caught:
            image_validate(_bomb_png(2000))
        assert caught.value.code == "too_many_pixels"

        settings.IMAGE_UPLOAD_MAX_BYTES = 100
        with pytest.raises(ImageRejected) as caught:
            image_validate(_upload(_jpeg()))
        assert caught.value.code == "too_large"


# --- uploading on the API -------------------------------------------------------------------------------------------


@pytest.mark.promise("CLO-2")
class TestUpload:
    @pytest.mark.parametrize("kind", ["jpeg", "png", "webp", "heic"])
    def test_each_accepted_format_is_stored_privately_as_processing(
        self, kind, api_client, item, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks() as callbacks:
            response = _post_photo(api_client, item, FORMATS[kind](), name=f"IMG_0001.{kind}")

        assert response.status_code == 201, response.content
        body = response.json()
        assert body["status"] == "processing" and body["is_primary"] is True
        assert body["url"] is None and body["thumbnail_url"] is None  # nothing is served before it is ready
        photo = ItemPhoto.objects.get(pk=body["id"])
        assert photo.owner == item.owner and photo.item == item
        assert photo.upload.name.startswith("incoming/") and "IMG_0001" not in photo.upload.name
        assert not photo.original and not photo.thumbnail
        assert _stored() == [photo.upload.name]
        assert len(callbacks) == 1  # processing is enqueued only once the row is committed

    def test_the_task_is_enqueued_with_the_photo_id_only_after_commit(
        self, api_client, item, monkeypatch, django_capture_on_commit_callbacks
    ):
        sent = []
        monkeypatch.setattr(photo_tasks.item_photo_process, "delay", lambda *args: sent.append(args))
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            response = _post_photo(api_client, item, _jpeg())
            assert sent == []
        for callback in callbacks:
            callback()

        assert sent == [(response.json()["id"],)]

    def test_processing_orients_strips_reencodes_and_makes_a_thumbnail(
        self, api_client, item, eager, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = _post_photo(api_client, item, _jpeg(size=(300, 200), orientation=6))

        photo = ItemPhoto.objects.get(pk=response.json()["id"])
        assert photo.status == PhotoStatus.READY and photo.error == "" and photo.processed_at is not None
        assert (photo.width, photo.height) == (200, 300)  # orientation 6: turned upright
        original, thumbnail = _read(photo.original.name), _read(photo.thumbnail.name)
        for stored in (original, thumbnail):  # the stored bytes carry pixels only
            with Image.open(io.BytesIO(stored)) as img:
                assert len(img.getexif()) == 0
                assert not {"exif", "xmp", "icc_profile", "comment"} & set(img.info)
            for secret in (b"Exif", b"GPS", CAMERA.encode(), PERSON.encode(), b"Acme"):
                assert secret not in stored
        with Image.open(io.BytesIO(original)) as img:
            assert img.format == "JPEG" and img.size == (200, 300)
        with Image.open(io.BytesIO(thumbnail)) as img:
            assert img.format == "WEBP" and max(img.size) <= 480

    def test_the_raw_upload_is_deleted_and_forgotten_once_processed(
        self, api_client, item, eager, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            photo_id = _post_photo(api_client, item, _jpeg()).json()["id"]

        photo = ItemPhoto.objects.get(pk=photo_id)
        assert photo.upload.name == ""
        assert _stored() == sorted([photo.original.name, photo.thumbnail.name])
        assert not any(name.startswith("incoming/") for name in _stored())

    def test_a_big_photo_is_capped(self, api_client, item, eager, django_capture_on_commit_callbacks, monkeypatch):
        monkeypatch.setattr(photo_services, "ORIGINAL_MAX_SIDE", 120)
        with django_capture_on_commit_callbacks(execute=True):
            photo_id = _post_photo(api_client, item, _jpeg(size=(600, 300), orientation=None)).json()["id"]

        photo = ItemPhoto.objects.get(pk=photo_id)
        assert (photo.width, photo.height) == (120, 60)

    def test_dominant_colours_are_kept_and_suggest_the_items_colours(
        self, api_client, item, eager, django_capture_on_commit_callbacks
    ):
        assert not item.colours.exists()
        with django_capture_on_commit_callbacks(execute=True):
            photo_id = _post_photo(api_client, item, _jpeg(fill=NAVY)).json()["id"]

        photo = ItemPhoto.objects.get(pk=photo_id)
        assert photo.dominant_colours and photo.dominant_colours[0].startswith("#")
        assert list(item.colours.all()) == [colour("navy")]
        body = api_client.get(f"/api/v1/items/{item.pk}/").json()
        assert body["colours"] == ["navy"] and body["photo_url"]

    def test_the_garment_in_the_middle_counts_more_than_the_background(
        self, api_client, item, eager, django_capture_on_commit_callbacks
    ):
        picture = _picture((400, 400), (250, 250, 250))  # a white wall...
        picture.paste(_picture((180, 220), NAVY), (110, 90))  # ...with a navy jumper in front of it
        with django_capture_on_commit_callbacks(execute=True):
            photo_id = _post_photo(api_client, item, _encode(picture, "PNG"), name="jumper.png").json()["id"]

        photo = ItemPhoto.objects.get(pk=photo_id)
        r, g, b = (int(photo.dominant_colours[0][i : i + 2], 16) for i in (1, 3, 5))
        assert abs(r - NAVY[0]) + abs(g - NAVY[1]) + abs(b - NAVY[2]) < 30
        assert colour("navy") in item.colours.all()

    def test_colours_the_user_chose_are_left_alone(self, api_client, user, eager, django_capture_on_commit_callbacks):
        item = ItemFactory(owner=user, colours=[colour("red")])
        with django_capture_on_commit_callbacks(execute=True):
            _post_photo(api_client, item, _jpeg(fill=CAMEL))

        assert list(item.colours.all()) == [colour("red")]
        assert ItemPhoto.objects.get().status == PhotoStatus.READY

    def test_the_first_photo_is_primary_and_the_next_ones_are_not(self, api_client, item):
        first = _post_photo(api_client, item, _jpeg()).json()
        second = _post_photo(api_client, item, _encode(_picture(), "PNG"), name="b.png").json()

        assert first["is_primary"] is True and second["is_primary"] is False
        assert ItemPhoto.objects.filter(item=item, is_primary=True).count() == 1

    def test_the_list_shows_the_items_photos_primary_first(self, api_client, item, user):
        ItemPhotoFactory(owner=user, item=item)
        primary = ItemPhotoFactory(owner=user, item=item, is_primary=True)
        ItemPhotoFactory(owner=user)  # another item's photo

        body = api_client.get(_photos_url(item)).json()

        assert body[0]["id"] == str(primary.pk)
        assert len(body) == 2


@pytest.mark.promise("CLO-2")
class TestBadUploads:
    """A bad upload is a clear 400 naming why, and nothing is stored: no row, no file."""

    @pytest.mark.parametrize(
        ("data", "name", "code"),
        [
            pytest.param(lambda: _noise_jpeg()[:20_000], "cut.jpg", "corrupt", id="truncated-jpeg"),
            pytest.param(lambda: _bomb_png(20_000), "bomb.png", "too_many_pixels", id="pixel-bomb"),
            pytest.param(
                lambda: b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>',
                "logo.svg",
                "unsupported_type",
                id="svg",
            ),
            pytest.param(
                lambda: b"these are not the pixels you are looking for\n" * 20,
                "photo.jpg",
                "not_an_image",
                id="text-named-jpg",
            ),
            pytest.param(lambda: _encode(_picture(), "GIF"), "photo.jpg", "unsupported_type", id="gif-named-jpg"),
            pytest.param(lambda: b"", "empty.jpg", None, id="empty"),
        ],
    )
    def test_it_is_refused_with_the_reason_and_nothing_is_kept(self, data, name, code, api_client, item):
        content = data()
        response = _post_photo(api_client, item, content, name=name)

        assert response.status_code == 400, response.content
        body = response.json()
        assert body["code"] == "invalid" and body["detail"]
        assert list(body["errors"]) == ["image"] and len(body["errors"]["image"]) == 1
        if code is not None:
            with pytest.raises(ImageRejected) as caught:
                image_validate(content)
            assert caught.value.code == code
            assert body["errors"]["image"] == [caught.value.message]
        assert not ItemPhoto.objects.exists()
        assert _stored() == []

    def test_an_oversized_file_is_refused_naming_the_limit(self, api_client, item, settings):
        settings.IMAGE_UPLOAD_MAX_BYTES = 1024
        response = _post_photo(api_client, item, _noise_jpeg())

        assert response.status_code == 400
        assert "the limit is 1 KB" in response.json()["errors"]["image"][0]
        assert not ItemPhoto.objects.exists() and _stored() == []

    def test_no_file_is_a_400(self, api_client, item):
        response = api_client.post(_photos_url(item), {}, format="multipart")

        assert response.status_code == 400
        assert response.json()["code"] == "invalid" and "image" in response.json()["errors"]


# --- the background job ---------------------------------------------------------------------------------------------


def _processing_photo(user, data: bytes | None, item=None, **fields) -> ItemPhoto:
    """A photo as an upload leaves it: PROCESSING with its raw file (any bytes: the worker must cope)."""
    item = item or ItemFactory(owner=user)
    photo = ItemPhotoFactory.build(owner=user, item=item, status=PhotoStatus.PROCESSING, **fields)
    photo.original = photo.thumbnail = ""
    if data is not None:
        photo.upload.save("upload.jpg", ContentFile(data), save=False)
    photo.save()
    return photo


class TestProcessing:
    def test_processing_twice_changes_nothing_the_second_time(self, user, django_capture_on_commit_callbacks):
        photo = _processing_photo(user, _jpeg(), is_primary=True)
        with django_capture_on_commit_callbacks(execute=True):
            photo_services.item_photo_process(photo_id=photo.pk)
        photo.refresh_from_db()
        before = ItemPhoto.objects.filter(pk=photo.pk).values().get()
        files = _stored()

        with django_capture_on_commit_callbacks(execute=True):
            photo_services.item_photo_process(photo_id=photo.pk)

        assert ItemPhoto.objects.filter(pk=photo.pk).values().get() == before
        assert _stored() == files and before["status"] == PhotoStatus.READY

    @pytest.mark.parametrize("photo_id", ["00000000-0000-0000-0000-000000000000", "not-a-uuid", None, 42])
    def test_a_missing_photo_does_nothing(self, photo_id):
        photo_services.item_photo_process(photo_id=photo_id)
        assert not ItemPhoto.objects.exists()

    def test_a_picture_the_worker_cannot_decode_fails_with_a_reason_and_its_upload_goes(
        self, user, django_capture_on_commit_callbacks
    ):
        photo = _processing_photo(user, b"GIF89a this is not what it claimed to be")
        assert _stored() == [photo.upload.name]

        with django_capture_on_commit_callbacks(execute=True):
            photo_services.item_photo_process(photo_id=photo.pk)

        photo.refresh_from_db()
        assert photo.status == PhotoStatus.FAILED
        assert "Please upload" in photo.error or "Please try" in photo.error
        assert photo.upload.name == "" and not photo.original and not photo.thumbnail
        assert _stored() == []

    def test_a_lost_upload_fails_kindly(self, user, django_capture_on_commit_callbacks):
        photo = _processing_photo(user, _jpeg())
        default_storage.delete(photo.upload.name)

        with django_capture_on_commit_callbacks(execute=True):
            photo_services.item_photo_process(photo_id=photo.pk)

        photo.refresh_from_db()
        assert photo.status == PhotoStatus.FAILED and "upload it again" in photo.error

    def test_a_failed_primary_hands_over_to_a_usable_photo(self, user, django_capture_on_commit_callbacks):
        broken = _processing_photo(user, b"nope", is_primary=True)
        good = ItemPhotoFactory(owner=user, item=broken.item)

        with django_capture_on_commit_callbacks(execute=True):
            photo_services.item_photo_process(photo_id=broken.pk)

        broken.refresh_from_db()
        good.refresh_from_db()
        assert broken.status == PhotoStatus.FAILED and not broken.is_primary
        assert good.is_primary

    def test_a_photo_deleted_while_it_was_processed_leaves_no_file(self, user, monkeypatch):
        photo = _processing_photo(user, _jpeg())
        real_finish = photo_services._photo_finish

        def deleted_meanwhile(**kwargs):
            ItemPhoto.objects.filter(pk=photo.pk).delete()
            default_storage.delete(photo.upload.name)
            return real_finish(**kwargs)

        monkeypatch.setattr(photo_services, "_photo_finish", deleted_meanwhile)
        photo_services.item_photo_process(photo_id=photo.pk)

        assert _stored() == []

    def test_the_task_refuses_anything_but_an_id(self):
        with pytest.raises(PersonalDataInTaskArguments):
            photo_tasks.item_photo_process.delay("alice@example.com")
        with pytest.raises(PersonalDataInTaskArguments):
            photo_tasks.item_photo_process.delay(b"raw photo bytes")

    def test_the_task_runs_the_service(self, user, eager, django_capture_on_commit_callbacks):
        photo = _processing_photo(user, _jpeg())
        with django_capture_on_commit_callbacks(execute=True):
            photo_tasks.item_photo_process.delay(str(photo.pk))

        photo.refresh_from_db()
        assert photo.status == PhotoStatus.READY

    def test_photos_stuck_in_processing_are_enqueued_again(self, user, monkeypatch):
        import datetime

        stuck = _processing_photo(user, _jpeg())
        ItemPhoto.objects.filter(pk=stuck.pk).update(created_at=stuck.created_at - datetime.timedelta(hours=1))
        _processing_photo(user, _jpeg())  # just uploaded: its message is surely still on its way
        ItemPhotoFactory(owner=user)  # ready
        sent = []
        monkeypatch.setattr(photo_tasks.item_photo_process, "delay", lambda *args: sent.append(args))

        assert photo_services.item_photos_processing_resume() == 1
        assert sent == [(str(stuck.pk),)]

    @pytest.mark.promise("CLO-2")
    def test_a_photo_never_processed_in_a_day_fails_and_its_raw_upload_goes(
        self, user, monkeypatch, django_capture_on_commit_callbacks
    ):
        import datetime

        hopeless = _processing_photo(user, _jpeg())
        raw = hopeless.upload.name
        assert default_storage.exists(raw)
        day_old = hopeless.created_at - photo_services.PROCESSING_GIVE_UP_AFTER - datetime.timedelta(seconds=1)
        ItemPhoto.objects.filter(pk=hopeless.pk).update(created_at=day_old)
        sent = []
        monkeypatch.setattr(photo_tasks.item_photo_process, "delay", lambda *args: sent.append(args))

        with django_capture_on_commit_callbacks(execute=True):
            assert photo_services.item_photos_processing_resume() == 0
        hopeless.refresh_from_db()
        assert hopeless.status == PhotoStatus.FAILED and hopeless.upload.name == "" and sent == []
        assert "upload it again" in hopeless.error
        assert not default_storage.exists(raw), "the raw upload still carries its metadata: it must not stay"

    @pytest.mark.promise("CLO-2")
    def test_the_photo_code_never_looks_for_faces(self):
        for path in ("closet/services/photos.py", "closet/tasks/photos.py", "core/images.py"):
            tree = ast.parse((ROOT / path).read_text())
            imported = {
                alias.name.split(".")[0]
                for node in ast.walk(tree)
                if isinstance(node, ast.Import | ast.ImportFrom)
                for alias in (node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")])
            }
            assert not imported & {"cv2", "face_recognition", "dlib", "mediapipe", "insightface", "deepface"}, path


# --- primary, delete, signed links ---------------------------------------------------------------------------------


class TestPrimaryAndDelete:
    def test_another_photo_can_be_made_primary(self, api_client, user, item):
        first = ItemPhotoFactory(owner=user, item=item, is_primary=True)
        second = ItemPhotoFactory(owner=user, item=item)

        response = api_client.post(f"{_photos_url(item)}{second.pk}/primary/")

        assert response.status_code == 200 and response.json()["is_primary"] is True
        first.refresh_from_db()
        second.refresh_from_db()
        assert second.is_primary and not first.is_primary

    def test_a_photo_still_processing_cannot_be_made_primary(self, api_client, user, item):
        ItemPhotoFactory(owner=user, item=item, is_primary=True)
        waiting = ItemPhotoFactory(owner=user, item=item, status=PhotoStatus.PROCESSING)

        response = api_client.post(f"{_photos_url(item)}{waiting.pk}/primary/")

        assert response.status_code == 400 and response.json()["code"] == "invalid"
        waiting.refresh_from_db()
        assert not waiting.is_primary

    @pytest.mark.promise("CLO-4")
    def test_deleting_a_photo_removes_its_files_at_once_and_promotes_the_next(
        self, api_client, user, item, django_capture_on_commit_callbacks
    ):
        primary = ItemPhotoFactory(owner=user, item=item, is_primary=True)
        after = ItemPhotoFactory(owner=user, item=item)
        files = [primary.original.name, primary.thumbnail.name]
        assert set(files) <= set(_stored())

        with django_capture_on_commit_callbacks(execute=True):
            response = api_client.delete(f"{_photos_url(item)}{primary.pk}/")

        assert response.status_code == 204
        assert not ItemPhoto.objects.filter(pk=primary.pk).exists()
        assert not set(files) & set(_stored())
        after.refresh_from_db()
        assert after.is_primary

    @pytest.mark.promise("CLO-4")
    def test_deleting_an_item_removes_its_photo_files(self, api_client, user, item, django_capture_on_commit_callbacks):
        ItemPhotoFactory(owner=user, item=item, is_primary=True)
        ItemPhotoFactory(owner=user, item=item)
        _processing_photo(user, _jpeg(), item=item)  # its raw upload too
        assert len(_stored()) == 5

        with django_capture_on_commit_callbacks(execute=True):
            response = api_client.delete(f"/api/v1/items/{item.pk}/")

        assert response.status_code == 204
        assert not ItemPhoto.objects.exists()
        assert _stored() == []

    @pytest.mark.promise("CLO-4")
    def test_the_item_delete_service_removes_photo_files_after_commit(self, user, django_capture_on_commit_callbacks):
        photo = _processing_photo(user, _jpeg())
        with django_capture_on_commit_callbacks(execute=True):
            closet_item_delete(item=photo.item)

        assert _stored() == []

    def test_files_stay_until_the_deletion_commits(self, user, item, django_capture_on_commit_callbacks):
        photo = ItemPhotoFactory(owner=user, item=item, is_primary=True)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            photo_services.item_photo_delete(photo=photo)
            assert photo.original.name in _stored()  # a rollback now would leave the row with its files
        assert callbacks


@pytest.mark.promise("CLO-1")
class TestSignedLinks:
    def test_links_are_signed_expiring_and_only_for_ready_photos(self, api_client, client, user, item, monkeypatch):
        ready = ItemPhotoFactory(owner=user, item=item, is_primary=True)
        ItemPhotoFactory(owner=user, item=item, status=PhotoStatus.PROCESSING)

        body = api_client.get(_photos_url(item)).json()
        by_status = {photo["status"]: photo for photo in body}
        assert by_status["processing"]["url"] is None and by_status["processing"]["thumbnail_url"] is None
        url = by_status["ready"]["url"]
        assert url.startswith(f"/files/{ready.original.name}?") and "signature=" in url

        assert client.get(url).status_code == 200  # the link is the credential, for exactly this file
        assert client.get(f"/files/{ready.original.name}").status_code == 403
        signature = parse_qs(urlsplit(url).query)["signature"][0]
        assert client.get(url.replace(signature, signature[:-2] + "xx")).status_code == 403
        assert client.get(url.replace(ready.original.name, ready.thumbnail.name)).status_code == 403

        now = private_storage.time.time()
        monkeypatch.setattr(private_storage.time, "time", lambda: now + 301)
        assert client.get(url).status_code == 403


# --- other people's photos ----------------------------------------------------------------------------------------


@pytest.mark.promise("SEC-3")
class TestOwnership:
    def test_a_photo_cannot_be_attached_to_someone_elses_item(self, api_client, other_user):
        bobs = ItemFactory(owner=other_user)

        response = _post_photo(api_client, bobs, _jpeg())

        assert response.status_code == 404
        assert response.json() == {"code": "not_found", "detail": "Not found."}
        assert not ItemPhoto.objects.exists() and _stored() == []

    def test_someone_elses_photo_is_not_reachable_through_my_item(self, api_client, item, other_user):
        bobs = ItemPhotoFactory(owner=other_user, is_primary=True)
        url = f"{_photos_url(item)}{bobs.pk}/"

        assert api_client.get(url).status_code == 404
        assert api_client.delete(url).status_code == 404
        assert api_client.post(f"{url}primary/").status_code == 404
        assert api_client.get(_photos_url(item)).json() == []
        assert ItemPhoto.objects.filter(pk=bobs.pk).exists()

    def test_my_photo_is_reached_only_through_its_own_item(self, api_client, user, item):
        other_item = ItemFactory(owner=user)
        photo = ItemPhotoFactory(owner=user, item=other_item)

        assert api_client.get(f"{_photos_url(item)}{photo.pk}/").status_code == 404
        assert api_client.delete(f"{_photos_url(item)}{photo.pk}/").status_code == 404
        assert api_client.get(f"{_photos_url(other_item)}{photo.pk}/").status_code == 200

    def test_the_html_upload_refuses_someone_elses_item(self, client, user, other_user):
        bobs = ItemFactory(owner=other_user)
        client.force_login(user)

        response = client.post(f"/closet/items/{bobs.pk}/photos/", {"photos": [_upload(_jpeg())]})

        assert response.status_code == 404
        assert not ItemPhoto.objects.exists() and _stored() == []


# --- the item page ------------------------------------------------------------------------------------------------


class TestItemPage:
    def test_the_page_has_a_drop_zone_with_a_plain_file_input(self, client, user, item):
        client.force_login(user)
        html = client.get(f"/closet/items/{item.pk}/").content.decode()

        assert 'enctype="multipart/form-data"' in html and "data-dropzone" in html
        assert 'type="file" name="photos" multiple' in html
        assert f'action="/closet/items/{item.pk}/photos/"' in html
        assert "<progress" in html

    def test_a_web_upload_redirects_back_with_a_message(self, client, user, item):
        client.force_login(user)
        response = client.post(f"/closet/items/{item.pk}/photos/", {"photos": [_upload(_jpeg())]}, follow=True)

        assert response.redirect_chain == [(f"/closet/items/{item.pk}/", 302)]
        assert "being prepared" in response.content.decode()
        photo = ItemPhoto.objects.get()
        assert photo.status == PhotoStatus.PROCESSING and photo.is_primary

    def test_a_bad_web_upload_is_a_400_with_the_reason_and_stores_nothing(self, client, user, item):
        client.force_login(user)
        response = client.post(f"/closet/items/{item.pk}/photos/", {"photos": [_upload(b"%PDF-1.4 nope", "cv.jpg")]})

        assert response.status_code == 400
        assert "not a picture we can read" in response.content.decode()
        assert not ItemPhoto.objects.exists() and _stored() == []

    def test_a_web_upload_without_a_file_says_so(self, client, user, item):
        client.force_login(user)
        response = client.post(f"/closet/items/{item.pk}/photos/", {})

        assert response.status_code == 400 and "Choose a photo" in response.content.decode()

    def test_htmx_gets_the_panel_which_polls_while_a_photo_is_processing(
        self, client, user, item, eager, django_capture_on_commit_callbacks
    ):
        client.force_login(user)
        response = client.post(
            f"/closet/items/{item.pk}/photos/", {"photos": [_upload(_jpeg())]}, headers={"HX-Request": "true"}
        )
        html = response.content.decode()
        assert response.status_code == 200 and 'id="item-photos"' in html and "<html" not in html
        assert 'hx-trigger="every 2s"' in html and "Preparing your photo" in html

        photo = ItemPhoto.objects.get()
        with django_capture_on_commit_callbacks(execute=True):
            photo_tasks.item_photo_process.delay(str(photo.pk))
        html = client.get(f"/closet/items/{item.pk}/photos/", headers={"HX-Request": "true"}).content.decode()
        assert 'hx-trigger="every 2s"' not in html  # done: the polling stops
        photo.refresh_from_db()
        assert f"/files/{photo.original.name}?expires=" in html and f"/files/{photo.thumbnail.name}?expires=" in html

    def test_htmx_upload_errors_stay_in_the_panel(self, client, user, item):
        client.force_login(user)
        response = client.post(
            f"/closet/items/{item.pk}/photos/",
            {"photos": [_upload(_jpeg(), "good.jpg"), _upload(b"<svg></svg>", "bad.jpg")]},
            headers={"HX-Request": "true"},
        )

        html = response.content.decode()
        assert response.status_code == 200 and 'role="alert"' in html
        assert "bad.jpg: We can&#x27;t accept SVG files" in html
        assert ItemPhoto.objects.count() == 1

    def test_the_page_shows_every_photo_by_state(self, client, user, item):
        ready = ItemPhotoFactory(owner=user, item=item, is_primary=True)
        other = ItemPhotoFactory(owner=user, item=item)
        ItemPhotoFactory(owner=user, item=item, status=PhotoStatus.PROCESSING, original="", thumbnail="")
        ItemPhotoFactory(owner=user, item=item, status=PhotoStatus.FAILED, error="That photo is broken.")
        client.force_login(user)

        html = client.get(f"/closet/items/{item.pk}/").content.decode()

        assert f"/files/{ready.original.name}?expires=" in html  # the main photo, large
        assert f"/files/{other.thumbnail.name}?expires=" in html
        assert f"/closet/photos/{other.pk}/primary/" in html and f"/closet/photos/{ready.pk}/primary/" not in html
        assert html.count('/delete/" hx-post') == 4
        assert "That photo is broken." in html and 'class="spinner"' in html
        assert 'hx-trigger="every 2s"' in html

    def test_making_primary_and_deleting_on_the_web(self, client, user, item, django_capture_on_commit_callbacks):
        first = ItemPhotoFactory(owner=user, item=item, is_primary=True)
        second = ItemPhotoFactory(owner=user, item=item)
        client.force_login(user)

        response = client.post(f"/closet/photos/{second.pk}/primary/")
        assert response.status_code == 302 and response["Location"] == f"/closet/items/{item.pk}/"
        second.refresh_from_db()
        assert second.is_primary

        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/closet/photos/{second.pk}/delete/", headers={"HX-Request": "true"})
        assert response.status_code == 200 and 'id="item-photos"' in response.content.decode()
        first.refresh_from_db()
        assert first.is_primary and second.original.name not in _stored()

    def test_someone_elses_photo_actions_are_404(self, client, user, other_user):
        bobs = ItemPhotoFactory(owner=other_user, is_primary=True)
        client.force_login(user)

        assert client.post(f"/closet/photos/{bobs.pk}/delete/").status_code == 404
        assert client.post(f"/closet/photos/{bobs.pk}/primary/").status_code == 404
        assert ItemPhoto.objects.filter(pk=bobs.pk).exists()


# --- fast digitising ------------------------------------------------------------------------------------------------


@pytest.mark.promise("CLO-3")
class TestBulkApi:
    def test_each_good_photo_becomes_a_draft_and_a_bad_one_is_reported(self, api_client, user):
        response = api_client.post(
            "/api/v1/items/bulk-photos/",
            {
                "images": [
                    _upload(_jpeg(), "a.jpg"),
                    _upload(b"just text", "b.jpg"),
                    _upload(_encode(_picture(), "PNG"), "c.png"),
                ]
            },
            format="multipart",
        )

        assert response.status_code == 201, response.content
        body = response.json()
        assert [entry["file"] for entry in body["created"]] == ["a.jpg", "c.png"]
        assert body["rejected"] == [
            {
                "file": "b.jpg",
                "code": "not_an_image",
                "detail": "That file is not a picture we can read. Please upload a JPEG, PNG, WebP or HEIC photo.",
            }
        ]
        for entry in body["created"]:
            assert entry["item"]["status"] == "draft" and entry["item"]["name"] == "New item"
            assert entry["item"]["category"] == "tops"
            assert entry["photo"]["status"] == "processing" and entry["photo"]["is_primary"] is True
        items = Item.objects.filter(owner=user)
        assert items.count() == 2 and {i.status for i in items} == {ItemStatus.DRAFT}
        assert ItemPhoto.objects.filter(owner=user).count() == 2 and len(_stored()) == 2

    def test_when_every_photo_is_bad_it_is_a_400_and_nothing_is_kept(self, api_client):
        response = api_client.post(
            "/api/v1/items/bulk-photos/", {"images": [_upload(b"x" * 10, "a.jpg")]}, format="multipart"
        )

        assert response.status_code == 400
        assert response.json()["code"] == "invalid"
        assert response.json()["errors"]["images"][0].startswith("a.jpg: ")
        assert not Item.objects.exists() and _stored() == []

    def test_no_photo_or_too_many_photos_is_a_400(self, api_client, monkeypatch):
        assert api_client.post("/api/v1/items/bulk-photos/", {}, format="multipart").status_code == 400

        monkeypatch.setattr(photo_services, "BULK_MAX_FILES", 2)
        files = [_upload(_jpeg(), f"{n}.jpg") for n in range(3)]
        response = api_client.post("/api/v1/items/bulk-photos/", {"images": files}, format="multipart")
        assert response.status_code == 400 and "up to 2 at a time" in response.json()["errors"]["images"][0]
        assert not Item.objects.exists()

    def test_it_needs_a_signed_in_user(self, anonymous_api_client):
        response = anonymous_api_client.post("/api/v1/items/bulk-photos/", {}, format="multipart")
        assert response.status_code == 401


@pytest.mark.promise("CLO-3")
class TestDraftFlow:
    def _add(self, client, *uploads, **headers):
        return client.post("/closet/add-photos/", {"photos": list(uploads)}, headers=headers)

    def test_the_add_page_has_a_multi_file_drop_zone(self, client, user):
        client.force_login(user)
        html = client.get("/closet/add-photos/").content.decode()

        assert "data-dropzone" in html and 'name="photos" multiple' in html

    def test_photos_become_drafts_that_wait_outside_the_closet(self, client, user):
        client.force_login(user)
        response = self._add(client, _upload(_jpeg(), "a.jpg"), _upload(_jpeg(fill=CAMEL), "b.jpg"))

        assert response.status_code == 302 and response["Location"] == "/closet/review/"
        drafts = Item.objects.filter(owner=user, status=ItemStatus.DRAFT)
        assert drafts.count() == 2 and all(d.category == category("tops") for d in drafts)
        listing = client.get("/closet/").content.decode()
        assert "New item" not in listing
        review = client.get("/closet/review/").content.decode()
        assert review.count('name="items"') == 2

    def test_a_bad_photo_is_named_and_the_others_are_kept(self, client, user):
        client.force_login(user)
        response = self._add(client, _upload(_jpeg(), "a.jpg"), _upload(b"text", "notes.jpg"))

        assert response.status_code == 302
        page = client.get("/closet/review/").content.decode()
        assert "notes.jpg: That file is not a picture we can read." in page
        assert Item.objects.filter(owner=user).count() == 1

    def test_only_bad_photos_is_a_400_with_the_reasons(self, client, user):
        client.force_login(user)
        response = self._add(client, _upload(b"text", "notes.jpg"))

        assert response.status_code == 400 and "notes.jpg: " in response.content.decode()
        assert not Item.objects.exists() and _stored() == []

    def test_with_htmx_the_answer_redirects_the_page(self, client, user):
        client.force_login(user)
        response = self._add(client, _upload(_jpeg()), HX_Request="true")

        assert response.status_code == 200 and response["HX-Redirect"] == "/closet/review/"

    def test_the_review_shows_colours_suggested_by_the_photo(
        self, client, user, eager, django_capture_on_commit_callbacks
    ):
        client.force_login(user)
        with django_capture_on_commit_callbacks(execute=True):
            self._add(client, _upload(_jpeg(fill=NAVY)))
        draft = Item.objects.get(owner=user)
        navy = colour("navy")

        html = client.get("/closet/review/").content.decode()

        assert f'name="{draft.pk}-colours" value="{navy.pk}"' in html
        checked = html.split(f'value="{navy.pk}"')[1].split(">")[0]
        assert "checked" in checked

    def test_saving_one_draft_puts_it_in_the_closet(self, client, user):
        draft = ItemFactory(owner=user, status=ItemStatus.DRAFT, name="New item")
        client.force_login(user)
        prefix = str(draft.pk)

        response = client.post(
            f"/closet/review/{draft.pk}/",
            {
                f"{prefix}-name": "Blue jeans",
                f"{prefix}-category": category("bottoms").pk,
                f"{prefix}-subcategory": "jeans",
                f"{prefix}-colours": [colour("denim").pk],
            },
            headers={"HX-Request": "true"},
        )

        assert response.status_code == 200 and "is in your closet" in response.content.decode()
        draft.refresh_from_db()
        assert draft.status == ItemStatus.ACTIVE and draft.name == "Blue jeans"
        assert draft.category == category("bottoms") and draft.subcategory == category("jeans")
        assert list(draft.colours.all()) == [colour("denim")]

    def test_a_subcategory_of_another_category_is_explained(self, client, user):
        draft = ItemFactory(owner=user, status=ItemStatus.DRAFT)
        client.force_login(user)
        prefix = str(draft.pk)

        response = client.post(
            f"/closet/review/{draft.pk}/",
            {f"{prefix}-name": "Jeans", f"{prefix}-category": category("tops").pk, f"{prefix}-subcategory": "jeans"},
        )

        assert response.status_code == 400 and "Jeans is not a kind of Tops" in response.content.decode()
        draft.refresh_from_db()
        assert draft.status == ItemStatus.DRAFT

    def test_save_all_keeps_the_good_ones_and_explains_the_others(self, client, user):
        good = ItemFactory(owner=user, status=ItemStatus.DRAFT)
        bad = ItemFactory(owner=user, status=ItemStatus.DRAFT)
        untouched = ItemFactory(owner=user, status=ItemStatus.DRAFT)
        client.force_login(user)

        response = client.post(
            "/closet/review/",
            {
                "items": [str(good.pk), str(bad.pk), "not-a-uuid"],
                f"{good.pk}-name": "Linen shirt",
                f"{good.pk}-category": category("tops").pk,
                f"{bad.pk}-name": "",
                f"{bad.pk}-category": category("tops").pk,
            },
        )

        assert response.status_code == 400
        assert "This field is required." in response.content.decode()
        statuses = dict(Item.objects.values_list("pk", "status"))
        assert statuses == {good.pk: "active", bad.pk: "draft", untouched.pk: "draft"}

    def test_save_all_of_good_drafts_goes_to_the_closet(self, client, user):
        drafts = [ItemFactory(owner=user, status=ItemStatus.DRAFT) for _ in range(2)]
        client.force_login(user)
        data = {"items": [str(d.pk) for d in drafts]}
        for d in drafts:
            data |= {f"{d.pk}-name": f"Thing {d.pk.hex[:4]}", f"{d.pk}-category": category("shoes").pk}

        response = client.post("/closet/review/", data)

        assert response.status_code == 302 and response["Location"] == "/closet/"
        assert not Item.objects.filter(status=ItemStatus.DRAFT).exists()

    def test_save_all_ignores_what_is_not_my_draft(self, client, user, other_user):
        bobs = ItemFactory(owner=other_user, status=ItemStatus.DRAFT, name="Bob's draft")
        mine = ItemFactory(owner=user, status=ItemStatus.DRAFT)
        client.force_login(user)

        response = client.post(
            "/closet/review/",
            {
                "items": [str(bobs.pk), str(mine.pk)],
                f"{bobs.pk}-name": "Taken",
                f"{bobs.pk}-category": category("tops").pk,
                f"{mine.pk}-name": "Mine now",
                f"{mine.pk}-category": category("tops").pk,
            },
        )

        assert response.status_code == 302
        bobs.refresh_from_db()
        assert (bobs.name, bobs.status) == ("Bob's draft", ItemStatus.DRAFT)
        assert Item.objects.get(pk=mine.pk).status == ItemStatus.ACTIVE

    def test_the_grid_shows_a_screenful_of_the_oldest_drafts(self, client, user, monkeypatch):
        from closet.views import photos as photo_views

        monkeypatch.setattr(photo_views, "REVIEW_PAGE_SIZE", 2)
        drafts = [ItemFactory(owner=user, status=ItemStatus.DRAFT, name=f"Draft {n}") for n in range(3)]
        client.force_login(user)

        html = client.get("/closet/review/").content.decode()

        assert html.count('name="items"') == 2
        assert f'value="{drafts[0].pk}"' in html and f'value="{drafts[2].pk}"' not in html
        assert "1 more will show" in html

    def test_only_drafts_can_be_saved_from_the_review(self, client, user):
        active = ItemFactory(owner=user)
        client.force_login(user)

        assert client.post(f"/closet/review/{active.pk}/", {}).status_code == 404

    def test_a_processing_photo_in_the_grid_polls_and_then_refreshes_the_colours(
        self, client, user, django_capture_on_commit_callbacks
    ):
        client.force_login(user)
        photo = _processing_photo(user, _jpeg(fill=NAVY), is_primary=True)
        Item.objects.filter(pk=photo.item_id).update(status=ItemStatus.DRAFT)

        html = client.get("/closet/review/").content.decode()
        assert f'hx-get="/closet/review/{photo.item_id}/photo/" hx-trigger="every 2s"' in html

        with django_capture_on_commit_callbacks(execute=True):
            photo_services.item_photo_process(photo_id=photo.pk)
        html = client.get(f"/closet/review/{photo.item_id}/photo/", headers={"HX-Request": "true"}).content.decode()
        assert "every 2s" not in html
        assert 'hx-swap-oob="true"' in html and f'value="{colour("navy").pk}"' in html
