"""The one image pipeline (core/images.py): what it refuses, what it keeps, and that no metadata survives.

Every image here is generated in memory with Pillow; the repository holds no picture files. Fixtures first
assert that they really carry the metadata under test, so a stripping test can never pass vacuously.
"""

from __future__ import annotations

import ast
import io
import random
import struct
import time
import warnings
import zlib
from pathlib import Path

import pillow_heif
import pytest
from django.core.files.base import File
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, ImageCms, ImageFile, PngImagePlugin

from core import images
from core.images import (
    ACCEPTED_FORMATS,
    ImageRejected,
    ProcessedImage,
    image_dominant_colours,
    image_process,
    image_thumbnail,
)

pillow_heif.register_heif_opener()

CAMERA_MODEL = "SecretCam X9000"
PERSON = "Jane Q. Doe"
NAVY = (0x1F, 0x2A, 0x44)
CAMEL = (0xC1, 0x9A, 0x6B)
RED = (220, 20, 20)
BLUE = (20, 20, 220)
METADATA_KEYS = ("exif", "icc_profile", "xmp", "XML:com.adobe.xmp", "comment", "Author", "Comment", "Description")


# --- in-memory image helpers --------------------------------------------------------------------------------------


def _two_tone(size: tuple[int, int] = (200, 100), left=RED, right=BLUE, mode: str = "RGB") -> Image.Image:
    """Left half one colour, right half another: shows which way an orientation turned the picture."""
    width, height = size
    img = Image.new(mode, size, right)
    img.paste(Image.new(mode, (width // 2, height), left), (0, 0))
    return img


def _noise(size: tuple[int, int], seed: int = 0) -> Image.Image:
    """Random pixels compress badly, so the encoded file is big enough to cut in half or exceed a limit."""
    width, height = size
    return Image.frombytes("RGB", size, random.Random(seed).randbytes(width * height * 3))


def _encode(img: Image.Image, fmt: str, **params) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, format=fmt, **params)
    return buffer.getvalue()


def _exif_with_gps(orientation: int | None = 6) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Acme Optics"
    exif[ExifTags.Base.Model] = CAMERA_MODEL
    exif[ExifTags.Base.DateTime] = "2024:05:01 12:34:56"
    exif[ExifTags.Base.Artist] = PERSON
    if orientation is not None:
        exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (51.0, 30.0, 26.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (0.0, 7.0, 39.0)
    return exif


def _xmp() -> bytes:
    return (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>'
        + PERSON.encode()
        + b"</dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>"
    )


def _srgb_icc() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _jpeg_with_everything(size: tuple[int, int] = (200, 100), orientation: int | None = 6) -> bytes:
    """A JPEG with EXIF (camera, date, GPS, orientation), XMP, an ICC profile and a comment."""
    data = _encode(
        _two_tone(size),
        "JPEG",
        exif=_exif_with_gps(orientation),
        xmp=_xmp(),
        icc_profile=_srgb_icc(),
        comment=f"Shot by {PERSON}".encode(),
        quality=95,
    )
    with Image.open(io.BytesIO(data)) as check:  # the fixture must really carry what we strip
        exif = check.getexif()
        assert exif[ExifTags.Base.Model] == CAMERA_MODEL
        assert exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] == "N"
        assert {"exif", "icc_profile", "xmp", "comment"} <= set(check.info)
    assert b"Exif" in data and CAMERA_MODEL.encode() in data and PERSON.encode() in data
    return data


def _png_with_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", PERSON)
    info.add_text("Comment", f"{PERSON}'s flat, 12 Acacia Avenue")
    info.add_itxt("Description", f"Photo of {PERSON}", zip=False)
    data = _encode(_two_tone(), "PNG", pnginfo=info, exif=_exif_with_gps(orientation=None))
    assert PERSON.encode() in data and b"tEXt" in data and b"eXIf" in data
    return data


def _webp_with_metadata() -> bytes:
    data = _encode(_two_tone(), "WEBP", exif=_exif_with_gps(orientation=None), xmp=_xmp(), icc_profile=_srgb_icc())
    assert CAMERA_MODEL.encode() in data and PERSON.encode() in data and b"ICCP" in data
    return data


def _heic_with_metadata(size: tuple[int, int] = (200, 100), orientation: int | None = 6) -> bytes:
    img = _two_tone(size)
    buffer = io.BytesIO()
    try:
        img.save(buffer, format="HEIF", exif=_exif_with_gps(orientation).tobytes(), quality=90)
    except (KeyError, OSError):  # an opener-only build: use the library's own writer
        buffer = io.BytesIO()
        pillow_heif.from_pillow(img).save(buffer, exif=_exif_with_gps(orientation).tobytes(), quality=90)
    data = buffer.getvalue()
    assert data[4:8] == b"ftyp" and CAMERA_MODEL.encode() in data
    return data


def _bomb_png(width: int, height: int) -> bytes:
    """A valid 1-bit PNG of huge dimensions that compresses to a few KB (every pixel black)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte + packed bits
    compressor = zlib.compressobj(9)
    rows_per_block = 1000
    idat = bytearray()
    for start in range(0, height, rows_per_block):
        idat += compressor.compress(row * min(rows_per_block, height - start))
    idat += compressor.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", bytes(idat)) + chunk(b"IEND", b"")


def _assert_no_metadata(result: ProcessedImage, *secrets: bytes) -> None:
    """The stored bytes carry pixels only: no EXIF/GPS/XMP/ICC/comment/text, and none of the given strings."""
    data = result.content
    with Image.open(io.BytesIO(data)) as out:
        assert len(out.getexif()) == 0
        assert not set(out.info) & set(METADATA_KEYS), out.info.keys()
        assert not any(isinstance(key, str) and key.lower().startswith("raw profile") for key in out.info)
        if out.format == "PNG":
            assert not out.text  # pragma: no cover - the pipeline never writes PNG
    for needle in (b"Exif", b"GPS", b"ICC_PROFILE", b"ICCP", b"XMP", b"http://ns.adobe.com", *secrets):
        assert needle not in data, needle


def _close(actual: tuple[int, ...], expected: tuple[int, ...], tolerance: int = 12) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


def _hex_to_rgb(value: str) -> tuple[int, int, int]:
    return int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16)


class CountingStream(io.RawIOBase):
    """A seekable stream that records how many bytes were read from it."""

    def __init__(self, data: bytes) -> None:
        self._inner = io.BytesIO(data)
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._inner.seek(offset, whence)

    def tell(self) -> int:
        return self._inner.tell()

    def read(self, size: int = -1) -> bytes:
        chunk = self._inner.read(size)
        self.bytes_read += len(chunk)
        return chunk


# --- metadata is stripped (CLO-2) ---------------------------------------------------------------------------------


@pytest.mark.promise("CLO-2")
def test_jpeg_exif_gps_xmp_icc_and_comment_are_stripped_and_orientation_applied():
    result = image_process(SimpleUploadedFile("holiday.jpg", _jpeg_with_everything(), content_type="image/jpeg"))

    _assert_no_metadata(result, CAMERA_MODEL.encode(), PERSON.encode(), b"Acme")
    assert (result.width, result.height) == (100, 200)  # orientation 6: a 200x100 sensor image stood upright
    assert result.source_format == "JPEG"
    assert (result.content_type, result.extension) == ("image/jpeg", ".jpg")
    with Image.open(io.BytesIO(result.content)) as out:
        assert out.format == "JPEG" and out.size == (100, 200) and out.mode == "RGB"
        # Turned 90 degrees clockwise: what was on the left (red) is now at the top.
        assert _close(out.getpixel((50, 20)), RED, 40)
        assert _close(out.getpixel((50, 180)), BLUE, 40)


@pytest.mark.promise("CLO-2")
@pytest.mark.parametrize("output_format", ["JPEG", "WEBP"])
def test_png_text_chunks_and_exif_are_stripped(output_format):
    result = image_process(_png_with_text(), output_format=output_format)

    _assert_no_metadata(result, PERSON.encode(), b"Acacia", CAMERA_MODEL.encode(), b"tEXt", b"iTXt", b"eXIf")
    assert result.source_format == "PNG"


@pytest.mark.promise("CLO-2")
def test_webp_input_is_processed_and_stripped():
    result = image_process(io.BytesIO(_webp_with_metadata()), output_format="WEBP")

    _assert_no_metadata(result, CAMERA_MODEL.encode(), PERSON.encode())
    assert result.source_format == "WEBP"
    assert (result.content_type, result.extension) == ("image/webp", ".webp")
    assert (result.width, result.height) == (200, 100)


@pytest.mark.promise("CLO-2")
def test_heic_input_is_processed_stripped_and_upright():
    assert "HEIF" in ACCEPTED_FORMATS
    result = image_process(SimpleUploadedFile("IMG_0001.HEIC", _heic_with_metadata(), content_type="image/heic"))

    _assert_no_metadata(result, CAMERA_MODEL.encode(), PERSON.encode())
    assert result.source_format == "HEIF"
    assert (result.width, result.height) == (100, 200)  # upright once, not turned twice
    with Image.open(io.BytesIO(result.content)) as out:
        assert _close(out.getpixel((50, 20)), RED, 40)
        assert _close(out.getpixel((50, 180)), BLUE, 40)


@pytest.mark.promise("CLO-2")
def test_thumbnail_is_a_smaller_metadata_free_webp():
    processed = image_process(_jpeg_with_everything(size=(800, 400)))
    thumbnail = image_thumbnail(processed, max_side=120)

    _assert_no_metadata(thumbnail, CAMERA_MODEL.encode(), PERSON.encode())
    assert (thumbnail.content_type, thumbnail.extension) == ("image/webp", ".webp")
    assert (thumbnail.width, thumbnail.height) == (60, 120)
    assert len(thumbnail.content) < len(processed.content)
    with Image.open(io.BytesIO(thumbnail.content)) as out:
        assert out.format == "WEBP" and out.size == (60, 120)

    from_bytes = image_thumbnail(processed.content, max_side=120)
    assert (from_bytes.width, from_bytes.height) == (60, 120)


@pytest.mark.promise("CLO-2")
def test_the_pipeline_never_detects_faces():
    """CLO-2: no face-detection library is imported, and nothing that detects anything is defined."""
    source = Path(images.__file__).read_text(encoding="utf-8")
    tree = ast.parse(source)

    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or "").split(".")[0])
    assert imported <= {
        "__future__",
        "io",
        "math",
        "struct",
        "warnings",
        "dataclasses",
        "typing",
        "django",
        "PIL",
        "pillow_heif",
    }

    for banned in ("cv2", "dlib", "mediapipe", "face_recognition", "insightface", "deepface", "mtcnn", "retinaface"):
        assert banned not in source
    identifiers = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            identifiers.add(node.name)
        elif isinstance(node, ast.Name):
            identifiers.add(node.id)
        elif isinstance(node, ast.Attribute):
            identifiers.add(node.attr)
        elif isinstance(node, ast.arg):
            identifiers.add(node.arg)
    suspicious = {name for name in identifiers if any(word in name.lower() for word in ("detect", "face", "landmark"))}
    assert not suspicious
    assert "CLO-2" in source


# --- what the pipeline accepts --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make_upload",
    [
        pytest.param(lambda data: data, id="bytes"),
        pytest.param(lambda data: bytearray(data), id="bytearray"),
        pytest.param(io.BytesIO, id="file-like"),
        pytest.param(lambda data: SimpleUploadedFile("x.png", data, content_type="image/png"), id="uploaded-file"),
        pytest.param(lambda data: File(io.BytesIO(data), name="x.png"), id="django-file"),
    ],
)
def test_accepts_bytes_streams_and_django_files(make_upload):
    result = image_process(make_upload(_encode(_two_tone(), "PNG")))

    assert (result.width, result.height, result.source_format) == (200, 100, "PNG")


def test_a_file_already_read_to_the_end_is_read_from_the_start():
    upload = SimpleUploadedFile("x.jpg", _encode(_two_tone(), "JPEG"), content_type="image/jpeg")
    upload.read()  # e.g. a form field validated it first

    assert image_process(upload).width == 200


def test_cmyk_jpeg_and_sixteen_bit_png_come_out_as_plain_rgb():
    cmyk = image_process(_encode(Image.new("CMYK", (40, 40), (0, 0, 0, 0)), "JPEG"))
    grey = image_process(_encode(Image.new("I;16", (40, 40), 32768), "PNG"))

    with Image.open(io.BytesIO(cmyk.content)) as out:
        assert out.mode == "RGB" and _close(out.getpixel((20, 20)), (255, 255, 255), 8)
    with Image.open(io.BytesIO(grey.content)) as out:
        assert out.mode == "RGB" and _close(out.getpixel((20, 20)), (128, 128, 128), 8)  # mid-grey, not white


def test_a_broken_icc_profile_does_not_stop_the_upload():
    data = _encode(_two_tone(), "JPEG", icc_profile=b"definitely not an ICC profile")
    with Image.open(io.BytesIO(data)) as check:
        assert check.info["icc_profile"] == b"definitely not an ICC profile"

    result = image_process(data)

    _assert_no_metadata(result, b"definitely not")


@pytest.mark.promise("CLO-2")
@pytest.mark.filterwarnings("ignore:Corrupt EXIF data", "ignore:Tag data larger than file")
def test_damaged_exif_does_not_stop_the_upload_and_is_stripped():
    junk = b"Exif\x00\x00MM\x00*\x00\x00\x00\x08\x00\x05\x01\x12\x00\x03\xff\xff\xff\xffSecretJunk"
    data = _encode(_two_tone(), "JPEG", exif=junk)
    assert b"SecretJunk" in data

    result = image_process(data)

    _assert_no_metadata(result, b"SecretJunk")
    assert (result.width, result.height) == (200, 100)


def test_transparent_png_to_jpeg_is_rgb_on_white():
    img = Image.new("RGBA", (100, 100), (0, 0, 0, 0))
    img.paste(Image.new("RGBA", (50, 100), (*NAVY, 255)), (0, 0))

    result = image_process(_encode(img, "PNG"), output_format="JPEG")

    with Image.open(io.BytesIO(result.content)) as out:
        assert out.mode == "RGB"
        assert _close(out.getpixel((90, 50)), (255, 255, 255), 6)
        assert _close(out.getpixel((10, 50)), NAVY, 12)


def test_transparent_png_to_webp_keeps_its_alpha():
    img = Image.new("RGBA", (100, 100), (0, 0, 0, 0))
    img.paste(Image.new("RGBA", (50, 100), (*NAVY, 255)), (0, 0))

    result = image_process(_encode(img, "PNG"), output_format="WEBP")

    with Image.open(io.BytesIO(result.content)) as out:
        assert out.mode == "RGBA"
        assert out.getpixel((90, 50))[3] == 0


def test_max_side_keeps_the_aspect_ratio_and_never_upscales():
    big = image_process(_encode(_two_tone((400, 200)), "PNG"), max_side=100)
    small = image_process(_encode(_two_tone((80, 40)), "PNG"), max_side=1000)
    tall = image_process(_jpeg_with_everything(size=(300, 150)), max_side=100)  # orientation 6: 150x300 upright

    assert (big.width, big.height) == (100, 50)
    assert (small.width, small.height) == (80, 40)
    assert (tall.width, tall.height) == (50, 100)


def test_bad_arguments_are_programming_errors_not_rejections():
    data = _encode(_two_tone(), "PNG")
    for kwargs in ({"output_format": "GIF"}, {"quality": 0}, {"quality": 101}, {"max_side": 0}):
        with pytest.raises(ValueError) as excinfo:
            image_process(data, **kwargs)
        assert not isinstance(excinfo.value, ImageRejected)
    assert image_process(data, output_format="jpg").extension == ".jpg"


# --- what the pipeline refuses --------------------------------------------------------------------------------------


def _rejected(upload, **kwargs) -> ImageRejected:
    with pytest.raises(ImageRejected) as excinfo:
        image_process(upload, **kwargs)
    error = excinfo.value
    assert str(error) == error.message and error.message
    assert isinstance(error, ValueError)
    return error


@pytest.mark.parametrize(
    ("fmt", "name"),
    [("GIF", "GIF"), ("BMP", "BMP"), ("TIFF", "TIFF")],
)
def test_other_image_formats_named_jpg_are_unsupported(fmt, name):
    disguised = SimpleUploadedFile("photo.jpg", _encode(_two_tone(), fmt), content_type="image/jpeg")

    error = _rejected(disguised)

    assert error.code == "unsupported_type"
    assert name in error.message and "JPEG, PNG, WebP or HEIC" in error.message


def test_svg_is_refused():
    svg = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect/></svg>'

    error = _rejected(SimpleUploadedFile("photo.jpg", svg, content_type="image/jpeg"))

    assert error.code == "unsupported_type"
    assert "SVG" in error.message


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"Dear diary, today I bought a coat.\n" * 20, id="text"),
        pytest.param(random.Random(7).randbytes(4096), id="random-bytes"),
        pytest.param(b"", id="empty"),
        pytest.param(b"<html><body>not a picture</body></html>", id="html"),
    ],
)
def test_things_that_are_not_pictures(content):
    error = _rejected(SimpleUploadedFile("photo.jpg", content, content_type="image/jpeg"))

    assert error.code == "not_an_image"
    assert "Please upload a JPEG, PNG, WebP or HEIC photo." in error.message


def test_the_example_messages_read_as_promised():
    class Declared:
        """A Django-like upload whose measured size is 14.2 MB; reading it would be a bug."""

        size = int(14.2 * 1024 * 1024)

        def read(self, size=-1):
            raise AssertionError("an upload over the limit by its declared size must not be read")

    assert str(_rejected(Declared())) == "That photo is 14.2 MB; the limit is 10 MB. Please choose a smaller one."
    assert str(_rejected(b"hello")) == (
        "That file is not a picture we can read. Please upload a JPEG, PNG, WebP or HEIC photo."
    )


def test_too_many_bytes_is_refused_with_both_sizes(settings):
    settings.IMAGE_UPLOAD_MAX_BYTES = 2048
    data = _encode(_noise((100, 100)), "PNG")
    assert len(data) > 20_000

    error = _rejected(data)

    assert error.code == "too_large"
    assert f"That photo is {round(len(data) / 1024, 1):g} KB; the limit is 2 KB." in error.message


def test_too_many_bytes_is_refused_after_reading_at_most_one_byte_past_the_limit(settings):
    settings.IMAGE_UPLOAD_MAX_BYTES = 1000
    stream = CountingStream(_encode(_noise((100, 100)), "PNG"))

    error = _rejected(stream)

    assert error.code == "too_large"
    assert stream.bytes_read <= 1001
    assert "the limit is 1000 bytes" in error.message


def test_a_file_exactly_at_the_limit_is_fine(settings):
    data = _encode(_two_tone(), "PNG")
    settings.IMAGE_UPLOAD_MAX_BYTES = len(data)

    assert image_process(io.BytesIO(data)).width == 200


def test_too_many_pixels_is_refused_before_decoding(settings, monkeypatch):
    settings.IMAGE_UPLOAD_MAX_PIXELS = 100 * 100
    data = _encode(_two_tone((200, 200)), "PNG")

    def no_decoding(self):
        raise AssertionError("pixels were decoded before the pixel limit was checked")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    error = _rejected(data)

    assert error.code == "too_many_pixels"
    assert "200 x 200 pixels (40,000 pixels); the limit is 10,000 pixels" in error.message


def test_a_picture_exactly_at_the_pixel_limit_is_fine(settings):
    settings.IMAGE_UPLOAD_MAX_PIXELS = 200 * 100

    assert image_process(_encode(_two_tone((200, 100)), "PNG")).height == 100


@pytest.mark.parametrize(
    ("side", "max_pixels"),
    [
        pytest.param(20_000, None, id="400MP-pillow-refuses-at-open"),
        pytest.param(8_000, None, id="64MP-over-our-40MP-limit"),
        pytest.param(10_000, 200_000_000, id="100MP-pillow-warning-is-an-error"),
    ],
)
def test_decompression_bombs_are_refused_quickly_without_decoding(side, max_pixels, settings, monkeypatch):
    if max_pixels is not None:
        settings.IMAGE_UPLOAD_MAX_PIXELS = max_pixels
    bomb = _bomb_png(side, side)
    assert len(bomb) < 200_000  # a tiny file...
    assert struct.unpack(">II", bomb[16:24]) == (side, side)  # ...whose IHDR claims to be enormous

    def no_decoding(self):
        raise AssertionError("a decompression bomb was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    started = time.monotonic()
    error = _rejected(SimpleUploadedFile("bomb.png", bomb, content_type="image/png"))

    assert error.code == "too_many_pixels"
    assert time.monotonic() - started < 2


def test_checks_leave_pillow_and_warnings_as_they_were(settings):
    filters_before = list(warnings.filters)
    settings.IMAGE_UPLOAD_MAX_PIXELS = 200_000_000
    _rejected(_bomb_png(10_000, 10_000))
    image_process(_encode(_two_tone(), "PNG"))

    assert warnings.filters == filters_before
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "HEIF"])
def test_truncated_files_are_corrupt(fmt):
    if fmt == "HEIF":
        data = _heic_with_metadata(size=(400, 300), orientation=None)
    else:
        data = _encode(_noise((400, 300)), fmt, **({"quality": 95} if fmt in ("JPEG", "WEBP") else {}))

    error = _rejected(SimpleUploadedFile("photo", data[: len(data) // 2]))

    assert error.code == "corrupt"
    assert "damaged or incomplete" in error.message
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


# --- dominant colours ----------------------------------------------------------------------------------------------


def _navy_and_camel() -> bytes:
    img = Image.new("RGB", (100, 100), NAVY)
    img.paste(Image.new("RGB", (100, 30), CAMEL), (0, 70))  # 70% navy, 30% camel
    return image_process(_encode(img, "PNG")).content  # as stored: a processed JPEG


def test_dominant_colours_most_common_first():
    colours = image_dominant_colours(_navy_and_camel())

    assert 2 <= len(colours) <= 3
    assert all(len(colour) == 7 and colour.startswith("#") for colour in colours)
    assert _close(_hex_to_rgb(colours[0]), NAVY)
    assert _close(_hex_to_rgb(colours[1]), CAMEL)


def test_dominant_colours_are_deterministic_and_respect_count():
    content = _navy_and_camel()

    assert image_dominant_colours(content) == image_dominant_colours(content)
    assert len(image_dominant_colours(content, count=1)) == 1
    assert _close(_hex_to_rgb(image_dominant_colours(content, count=1)[0]), NAVY)
    assert image_dominant_colours(content, count=0) == []


def test_dominant_colours_skip_near_duplicates():
    colours = image_dominant_colours(_encode(Image.new("RGB", (64, 64), NAVY), "PNG"), count=3)

    assert len(colours) == 1
    assert _close(_hex_to_rgb(colours[0]), NAVY, 2)


def test_dominant_colours_refuse_what_is_not_a_picture():
    with pytest.raises(ImageRejected) as excinfo:
        image_dominant_colours(b"not a picture")
    assert excinfo.value.code == "not_an_image"


@pytest.mark.promise("CLO-2")
def test_the_encoder_is_handed_a_fresh_image_and_no_metadata_arguments(monkeypatch):
    """Do not rely on Pillow's encoders ignoring ``im.info``: what reaches ``save`` carries nothing at all."""
    upload = _jpeg_with_everything()
    calls = []
    real_save = Image.Image.save

    def spy(self, fp, format=None, **params):
        calls.append((dict(self.info), dict(params)))
        return real_save(self, fp, format=format, **params)

    monkeypatch.setattr(Image.Image, "save", spy)
    processed = image_process(upload)
    image_thumbnail(processed, max_side=50)

    assert len(calls) == 2
    for info, params in calls:
        assert info == {}
        assert not {"exif", "icc_profile", "xmp", "comment", "pnginfo", "extra"} & set(params)
