"""One image pipeline for every upload in the product (profile avatars now, closet photos later).

Every picture a user gives us goes through :func:`image_process` before it is stored, and what gets stored is
only ever the re-encoded result, never the original bytes. The order of the steps is chosen for safety:

1. the byte size is checked first, without reading more than ``limit + 1`` bytes into memory;
2. the real type is identified from the content (never from the file name or the client's content type);
3. the pixel count is checked from the header, *before* any pixel data is decoded (decompression bombs);
4. only then are the pixels decoded, with truncated or damaged data rejected;
5. the EXIF orientation is applied, so the picture still looks right once the metadata is gone;
6. colours are converted to plain sRGB (transparency flattened onto white for JPEG);
7. the picture is optionally downscaled (never upscaled);
8. the pixels are copied into a brand-new image and encoded with no metadata at all: no EXIF, no GPS, no XMP,
   no ICC profile, no comments, no PNG text chunks.

Promise CLO-2 ("no face recognition, no biometric data from photos"): this module never detects faces or
people and does no analysis of a picture beyond what is written here: size checks, decoding, orientation,
colour conversion, resizing, re-encoding and a palette of dominant colours. Keep it that way.
"""

from __future__ import annotations

import io
import math
import struct
import warnings
from dataclasses import dataclass, field
from typing import IO, Any, NamedTuple

import pillow_heif
from django.conf import settings
from django.core.files.base import ContentFile, File
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

# HEIC photos from phones open in Pillow as format "HEIF" only once this opener is registered. Registering is
# idempotent, so importing this module more than once is harmless.
pillow_heif.register_heif_opener()

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_PIXELS = 40_000_000

# Pillow format names we accept. Anything else is refused, even if Pillow could read it: every extra decoder is
# extra attack surface, and nobody needs to upload a TIFF of their jumper.
ACCEPTED_FORMATS: frozenset[str] = frozenset({"JPEG", "PNG", "WEBP", "HEIF"})
_OPEN_FORMATS: tuple[str, ...] = tuple(sorted(ACCEPTED_FORMATS))

# Formats we recognise only to say "we don't accept that" kindly instead of "that is not a picture". The list is
# limited to formats with a strong magic number (so random bytes are never mistaken for one), and these files
# are only identified, never decoded.
_RECOGNISED_OTHER_FORMATS: tuple[str, ...] = (
    "GIF",
    "BMP",
    "TIFF",
    "ICO",
    "ICNS",
    "PSD",
    "JPEG2000",
    "AVIF",
    "QOI",
    "DDS",
)

# How an accepted upload is stored as it came (the raw upload, an inspiration picture): content type and extension.
_SOURCE_FILE_TYPES: dict[str, tuple[str, str]] = {
    "JPEG": ("image/jpeg", ".jpg"),
    "PNG": ("image/png", ".png"),
    "WEBP": ("image/webp", ".webp"),
    "HEIF": ("image/heic", ".heic"),
}

_FRIENDLY_FORMAT_NAMES = {"HEIF": "HEIC", "JPEG2000": "JPEG 2000", "ICO": "icon", "ICNS": "icon", "PSD": "Photoshop"}

_OUTPUT_FORMATS: dict[str, tuple[str, str]] = {
    "JPEG": ("image/jpeg", ".jpg"),
    "WEBP": ("image/webp", ".webp"),
}

_ACCEPTED_HUMAN = "JPEG, PNG, WebP or HEIC"

# Plugins raise a zoo of exception types on hostile or broken input; all of them mean "we could not read it".
_DECODE_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    IndexError,
    TypeError,
    KeyError,
    struct.error,
    RuntimeError,
)
_BOMB_ERRORS: tuple[type[BaseException], ...] = (Image.DecompressionBombError, Image.DecompressionBombWarning)

_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"msf1"}

_WHITE = (255, 255, 255)


class ImageRejected(ValueError):
    """An upload we will not store, with a stable ``code`` for programs and a kind ``message`` for people.

    Codes: ``"not_an_image"``, ``"unsupported_type"``, ``"too_large"``, ``"too_many_pixels"``, ``"corrupt"``.
    """

    def __init__(self, code: str, message: str) -> None:
        """Keep the stable code for programs and the sentence for people."""
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        """The human message, so ``str(exc)`` can be shown to the user as it is."""
        return self.message


@dataclass(frozen=True)
class ProcessedImage:
    """A re-encoded, metadata-free image, ready to be stored."""

    # repr=False: a log line or a failed assertion must never dump a whole photo.
    content: bytes = field(repr=False)
    content_type: str
    extension: str
    width: int
    height: int
    source_format: str


def image_max_bytes() -> int:
    """The upload byte limit, read from settings at call time so it can be changed per deployment or per test."""
    return int(getattr(settings, "IMAGE_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def image_max_pixels() -> int:
    """The width x height limit, read from settings at call time so it can be changed per deployment or test."""
    return int(getattr(settings, "IMAGE_UPLOAD_MAX_PIXELS", DEFAULT_MAX_PIXELS))


class ValidatedImage(NamedTuple):
    """What :func:`image_validate` learnt from an upload's header: its real format and its size in pixels."""

    format: str
    width: int
    height: int

    @property
    def content_type(self) -> str:
        return _SOURCE_FILE_TYPES[self.format][0]

    @property
    def extension(self) -> str:
        """The file extension to store the upload under, from its real type (never from the name sent)."""
        return _SOURCE_FILE_TYPES[self.format][1]


def upload_as_file(upload: Any) -> File:
    """An upload (a Django file, any binary file-like object, or bytes) as a Django File, from the start."""
    if isinstance(upload, bytes | bytearray | memoryview):
        return ContentFile(bytes(upload))
    if hasattr(upload, "seek"):
        upload.seek(0)
    return upload if isinstance(upload, File) else File(upload)


def image_validate(upload: Any) -> ValidatedImage:
    """The checks an upload request can afford: size, real type, pixel count and completeness, with no decoding.

    Steps 1-3 of the pipeline (byte limit, type from the content, pixel limit from the header), then a walk over
    the file's own structure (JPEG markers, PNG chunks, the RIFF length of WebP, the boxes of HEIC) to refuse a
    cut-off upload. No pixel is decoded, so this is cheap and safe against decompression bombs; the full decode
    happens later in :func:`image_process`, which can still refuse a file damaged in the middle.

    ``upload`` is anything :func:`image_process` accepts. Raises :class:`ImageRejected` with the same codes and
    messages as :func:`image_process`. ``width`` and ``height`` come from the header: before the EXIF
    orientation for JPEG, PNG and WebP; HEIC's decoder applies its rotation when it opens the file.
    """
    data = read_limited(upload, image_max_bytes())
    img, source_format = _open_header(data)
    with img:
        width, height = img.size
    if not _looks_complete(data, source_format):
        raise _corrupt_rejection()
    return ValidatedImage(source_format, width, height)


def image_process(
    upload: Any,
    *,
    max_side: int | None = None,
    output_format: str = "JPEG",
    quality: int = 88,
) -> ProcessedImage:
    """Check, decode, orient, normalise, optionally downscale and re-encode an upload without any metadata.

    ``upload`` is a Django ``UploadedFile``/``File``, any binary file-like object, or ``bytes``. Raises
    :class:`ImageRejected` for anything we will not store; raises ``ValueError`` for bad arguments (a
    programming error, not the user's fault).

    CLO-2: no face detection and no analysis of the content happen here, only the steps listed in the module
    docstring.
    """
    fmt, content_type, extension = _output_format(output_format)
    _check_quality(quality)
    if max_side is not None and max_side < 1:
        raise ValueError(f"max_side must be a positive number of pixels, got {max_side!r}")

    data = read_limited(upload, image_max_bytes())
    return _process_bytes(
        data,
        max_side=max_side,
        fmt=fmt,
        content_type=content_type,
        extension=extension,
        quality=quality,
    )


def image_thumbnail(
    processed_or_bytes: ProcessedImage | bytes,
    *,
    max_side: int,
    output_format: str = "WEBP",
    quality: int = 80,
) -> ProcessedImage:
    """A smaller, metadata-free version of an already processed image (a ``ProcessedImage`` or its bytes).

    The content is already in memory, so the byte limit (which exists to protect memory) is not applied again;
    the type, pixel and corruption checks still are, because raw bytes could come from anywhere.
    """
    fmt, content_type, extension = _output_format(output_format)
    _check_quality(quality)
    if max_side < 1:
        raise ValueError(f"max_side must be a positive number of pixels, got {max_side!r}")
    data = processed_or_bytes.content if isinstance(processed_or_bytes, ProcessedImage) else bytes(processed_or_bytes)
    return _process_bytes(
        data,
        max_side=max_side,
        fmt=fmt,
        content_type=content_type,
        extension=extension,
        quality=quality,
    )


def image_dominant_colours(content: bytes, *, count: int = 3) -> list[str]:
    """Up to ``count`` hex colours (``"#1f2a44"``), most common first, using Pillow only.

    Meant for already processed images. The picture is shrunk to about 64 pixels and quantised with median
    cut; colours are ordered by how many pixels they cover (ties broken by the colour value, so the answer is
    deterministic) and near-duplicates of a colour already chosen are skipped. Transparency counts as white.
    """
    if count < 1:
        return []
    img, _source = _open_checked(bytes(content))
    with img:
        rgb = _flatten_to_rgb(_normalise_mode(img, keep_alpha=True))
        # A ~64 px sketch is plenty to count colours. reduce() averages whole blocks (so it invents few in-between
        # colours) and always returns a new image, which outlives the closing of the decoded one.
        sketch = rgb.reduce(max(1, math.ceil(max(rgb.size) / 64)))

    # Ask for more palette entries than we return, so near-duplicates can be dropped and still leave enough.
    quantised = sketch.quantize(colors=min(256, max(2, count * 2)), method=Image.Quantize.MEDIANCUT)
    palette = quantised.getpalette() or []
    counted = quantised.getcolors() or []
    entries = []
    for pixels, index in counted:
        r, g, b = palette[index * 3 : index * 3 + 3]
        entries.append((pixels, (r, g, b)))
    entries.sort(key=lambda entry: (-entry[0], entry[1]))

    chosen: list[tuple[int, int, int]] = []
    for _pixels, colour in entries:
        if any(_colour_distance_sq(colour, other) < _NEAR_DUPLICATE_SQ for other in chosen):
            continue
        chosen.append(colour)
        if len(chosen) == count:
            break
    return ["#{:02x}{:02x}{:02x}".format(*colour) for colour in chosen]


# Two colours closer than this (Euclidean distance in RGB) read as "the same colour" to a person.
_NEAR_DUPLICATE_SQ = 24**2


def _colour_distance_sq(a: tuple[int, int, int], b: tuple[int, int, int]) -> int:
    """Squared Euclidean distance in RGB: cheap, and good enough to spot near-identical colours."""
    return sum((x - y) ** 2 for x, y in zip(a, b, strict=True))


# --- the pipeline ------------------------------------------------------------------------------------------------


def _process_bytes(
    data: bytes,
    *,
    max_side: int | None,
    fmt: str,
    content_type: str,
    extension: str,
    quality: int,
) -> ProcessedImage:
    """Steps 2-8 of the pipeline on bytes already known to be within the byte limit."""
    img, source_format = _open_checked(data)
    with img:
        icc_profile = img.info.get("icc_profile")
        # Step 5: apply the orientation *before* the metadata that carries it is thrown away.
        try:
            oriented = ImageOps.exif_transpose(img)
        except _DECODE_ERRORS:
            # Unreadable EXIF is common from some cameras and editors; the pixels are fine, so keep them as they
            # are rather than refuse the photo.
            oriented = img.copy()

    # Step 6: plain sRGB pixels. Phone photos are often in a wide-gamut profile (Display P3); once the profile
    # is dropped their colours would look washed out, so convert to sRGB while we still know the profile.
    keep_alpha = fmt == "WEBP"
    normalised = _normalise_mode(_to_srgb(oriented, icc_profile), keep_alpha=keep_alpha)
    if fmt == "JPEG" or (normalised.mode == "RGBA" and _fully_opaque(normalised)):
        normalised = _flatten_to_rgb(normalised)

    # Step 7: downscale only; thumbnail() keeps the aspect ratio and never enlarges.
    if max_side is not None:
        normalised.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)

    # Step 8: a brand-new image holds only pixels, so nothing from the original's .info can reach the encoder.
    clean = Image.new(normalised.mode, normalised.size)
    clean.paste(normalised)
    content = _encode(clean, fmt, quality)
    return ProcessedImage(
        content=content,
        content_type=content_type,
        extension=extension,
        width=clean.width,
        height=clean.height,
        source_format=source_format,
    )


def read_limited(upload: Any, limit: int) -> bytes:
    """Step 1: the upload's bytes, refusing anything over ``limit`` without reading more than ``limit + 1``.

    Raises :class:`ImageRejected` ``"too_large"``. Public because other uploads (support's PDF files) need the
    same bounded read; their callers word the refusal themselves."""
    if isinstance(upload, bytes | bytearray | memoryview):
        data = bytes(upload)
        if len(data) > limit:
            raise _too_large_rejection(len(data), limit)
        return data

    # A size Django already measured lets us refuse without reading a byte.
    declared = _declared_size(upload)
    if declared is not None and declared > limit:
        raise _too_large_rejection(declared, limit)

    stream: IO[bytes] = upload
    if _seekable(stream):
        # A form may already have read the file (Django's ImageField does); start from the beginning.
        stream.seek(0)
    chunks: list[bytes] = []
    remaining = limit + 1
    while remaining > 0:
        # Some streams return short reads; loop, but never ask for more than the one byte past the limit.
        chunk = stream.read(remaining)
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    data = b"".join(chunks)
    if len(data) > limit:
        raise _too_large_rejection(_measured_size(stream), limit)
    return data


def _declared_size(upload: Any) -> int | None:
    """The size a Django ``File`` reports, or None when it is unknown (or a plain stream)."""
    try:
        size = getattr(upload, "size", None)
    except (OSError, AttributeError, ValueError):
        return None
    return size if isinstance(size, int) and not isinstance(size, bool) else None


def _seekable(stream: Any) -> bool:
    """True when we can rewind the stream (plain pipes and sockets cannot)."""
    try:
        return bool(stream.seekable()) if hasattr(stream, "seekable") else hasattr(stream, "seek")
    except (OSError, ValueError):
        return False


def _measured_size(stream: Any) -> int | None:
    """The whole stream's size for the "too large" message, when it can be known without reading it."""
    if not _seekable(stream):
        return None
    try:
        return int(stream.seek(0, io.SEEK_END))
    except (OSError, ValueError, TypeError):
        return None


def _open_checked(data: bytes) -> tuple[Image.Image, str]:
    """Steps 2-4: identify the type from the content, check the pixel count from the header, then decode.

    Returns the loaded image and the source format name (one of ``ACCEPTED_FORMATS``).
    """
    img, source_format = _open_header(data)
    width, height = img.size
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        # Step 4: decode. Truncated data raises here because ImageFile.LOAD_TRUNCATED_IMAGES stays False.
        try:
            img.load()
        except _BOMB_ERRORS as exc:
            img.close()
            raise _too_many_pixels_rejection((width, height)) from exc
        except _DECODE_ERRORS as exc:
            img.close()
            raise _corrupt_rejection() from exc
    return img, source_format


def _open_header(data: bytes) -> tuple[Image.Image, str]:
    """Steps 2-3: identify the type from the content and check the pixel count from the header; no decoding.

    Returns the opened (not yet loaded) image and the source format name (one of ``ACCEPTED_FORMATS``).
    """
    if not data:
        raise ImageRejected("not_an_image", f"That file is empty. Please upload a {_ACCEPTED_HUMAN} photo.")

    max_pixels = image_max_pixels()
    with warnings.catch_warnings():
        # Pillow only *warns* about a moderately large image; treat that as the refusal it should be.
        warnings.simplefilter("error", Image.DecompressionBombWarning)

        # Step 2: Image.open only parses the header here; it does not decode pixels.
        try:
            img = Image.open(io.BytesIO(data), formats=_OPEN_FORMATS)
        except _BOMB_ERRORS as exc:
            raise _too_many_pixels_rejection(None) from exc
        except UnidentifiedImageError:
            raise _unidentified_rejection(data) from None
        except _DECODE_ERRORS as exc:
            raise _corrupt_rejection() from exc

    # A JPEG carrying several pictures (some cameras and phones) opens as "MPO"; it is still a JPEG.
    source_format = "JPEG" if img.format == "MPO" else (img.format or "")
    if source_format not in ACCEPTED_FORMATS:  # pragma: no cover - Image.open(formats=...) guarantees this
        img.close()
        raise _unsupported_rejection(source_format)

    # Step 3: width and height come from the header, so this costs nothing and happens before decoding.
    width, height = img.size
    if width * height > max_pixels:
        img.close()
        raise _too_many_pixels_rejection((width, height))
    return img, source_format


def _looks_complete(data: bytes, source_format: str) -> bool:
    """True unless the file's own structure shows it was cut off. Reads lengths and markers, never pixels."""
    try:
        if source_format == "JPEG":
            return _jpeg_complete(data)
        if source_format == "PNG":
            return _png_complete(data)
        if source_format == "WEBP":
            # RIFF: bytes 4-8 give the length of everything after the first 8 bytes.
            return len(data) >= 8 + struct.unpack("<I", data[4:8])[0]
        if source_format == "HEIF":
            return _iso_boxes_complete(data)
    except struct.error:
        return False
    return True  # pragma: no cover - every accepted format is handled above


def _jpeg_complete(data: bytes) -> bool:
    """A JPEG ends with an EOI marker after its first scan; inside a scan 0xFF is always escaped, so a cut-off
    file has none. Header segments (where an EXIF thumbnail, with an EOI of its own, lives) are skipped by length."""
    offset = 2
    while offset + 4 <= len(data):
        if data[offset] != 0xFF:
            # Not where a marker should be: fall back to "an end marker somewhere after here".
            return data.find(b"\xff\xd9", offset) != -1
        marker = data[offset + 1]
        if marker == 0xFF:  # fill byte before a marker
            offset += 1
            continue
        if marker in (0x01, 0xD8) or 0xD0 <= marker <= 0xD7:  # markers without a length
            offset += 2
            continue
        (length,) = struct.unpack(">H", data[offset + 2 : offset + 4])
        if marker == 0xDA:  # start of scan: the end of image must follow
            return data.find(b"\xff\xd9", offset + 2 + length) != -1
        offset += 2 + length
    return False


def _png_complete(data: bytes) -> bool:
    """Walk the PNG chunks (length, type, data, CRC) up to IEND; a chunk running past the end means cut off."""
    offset = 8
    while offset + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[offset : offset + 8])
        end = offset + 12 + length
        if end > len(data):
            return False
        if kind == b"IEND":
            return True
        offset = end
    return False


def _iso_boxes_complete(data: bytes) -> bool:
    """Walk the top-level ISO media boxes of a HEIC file; a box running past the end of the data means cut off."""
    offset = 0
    while offset < len(data):
        if offset + 8 > len(data):
            return False
        (size,) = struct.unpack(">I", data[offset : offset + 4])
        header = 8
        if size == 0:  # "to the end of the file"
            return True
        if size == 1:  # a 64-bit size follows the box type
            if offset + 16 > len(data):
                return False
            (size,) = struct.unpack(">Q", data[offset + 8 : offset + 16])
            header = 16
        if size < header:
            return False
        offset += size
    return offset == len(data)


def _unidentified_rejection(data: bytes) -> ImageRejected:
    """Why an upload that none of our accepted decoders could open was refused."""
    if _looks_like_accepted_format(data):
        # The header says JPEG/PNG/WebP/HEIC but the decoder could not even read it: a damaged file.
        return _corrupt_rejection()
    if _looks_like_svg(data):
        return _unsupported_rejection("SVG")
    other = _identify_other_format(data)
    if other is not None:
        return _unsupported_rejection(other)
    return ImageRejected(
        "not_an_image",
        f"That file is not a picture we can read. Please upload a {_ACCEPTED_HUMAN} photo.",
    )


def _looks_like_accepted_format(data: bytes) -> bool:
    """True when the magic number is that of a format we accept."""
    if data.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")):
        return True
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return True
    return data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS


def _looks_like_svg(data: bytes) -> bool:
    """True for XML text that contains an ``<svg`` element near the start (SVG is text, not pixels)."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<") and b"<svg" in head


def _identify_other_format(data: bytes) -> str | None:
    """The Pillow name of a format we recognise but refuse, or None. Identifies only; never decodes."""
    formats = tuple(name for name in _RECOGNISED_OTHER_FORMATS if name in Image.OPEN)
    try:
        with warnings.catch_warnings():
            # A huge GIF must not turn into an error here; we are only reading the format name.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=formats) as other:
                return other.format
    except (*_DECODE_ERRORS, Image.DecompressionBombError):
        return None


def _to_srgb(img: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """Convert pixels described by an embedded ICC profile into sRGB; leave them alone when that fails."""
    if not icc_profile or img.mode not in ("RGB", "RGBA", "CMYK", "L"):
        return img
    output_mode = "RGBA" if img.mode == "RGBA" else "RGB"
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        target = ImageCms.createProfile("sRGB")
        converted = ImageCms.profileToProfile(img, source, target, outputMode=output_mode)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        # A broken or mismatched profile is not the user's fault; the untransformed pixels are close enough.
        return img
    return converted if converted is not None else img


def _normalise_mode(img: Image.Image, *, keep_alpha: bool) -> Image.Image:
    """Pixels as ``RGB``, or ``RGBA`` when ``keep_alpha`` and the picture has transparency."""
    if img.mode in ("I", "I;16", "I;16B", "I;16L", "I;16N"):
        # 16-bit greyscale (e.g. some PNGs): scale to 8 bits, because a plain convert clips almost all to white.
        img = img.convert("I").point(lambda value: value / 256).convert("L")
    elif img.mode == "F":
        img = img.convert("L")
    has_alpha = img.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        img.mode in ("P", "L", "RGB", "1") and "transparency" in img.info
    )
    if has_alpha:
        return img.convert("RGBA") if keep_alpha else _flatten_to_rgb(img.convert("RGBA"))
    return img if img.mode == "RGB" else img.convert("RGB")


def _flatten_to_rgb(img: Image.Image) -> Image.Image:
    """Composite any transparency onto white (JPEG has no alpha, and white is how a blank page looks)."""
    if img.mode != "RGBA":
        return img if img.mode == "RGB" else img.convert("RGB")
    background = Image.new("RGB", img.size, _WHITE)
    background.paste(img, mask=img.getchannel("A"))
    return background


def _fully_opaque(img: Image.Image) -> bool:
    """True when an RGBA image has no transparent pixel, so its alpha channel is dead weight."""
    low, _high = img.getchannel("A").getextrema()
    return low == 255


def _encode(img: Image.Image, fmt: str, quality: int) -> bytes:
    """Encode with no ``exif=``, ``icc_profile=``, ``xmp=`` or comment: the output carries pixels only."""
    buffer = io.BytesIO()
    if fmt == "JPEG":
        img.save(buffer, format="JPEG", quality=quality, optimize=True, progressive=True)
    else:
        img.save(buffer, format="WEBP", quality=quality, method=4)
    return buffer.getvalue()


def _output_format(output_format: str) -> tuple[str, str, str]:
    """Normalised format name, content type and file extension for a requested output format."""
    fmt = output_format.upper()
    fmt = "JPEG" if fmt == "JPG" else fmt
    if fmt not in _OUTPUT_FORMATS:
        raise ValueError(f"output_format must be one of {sorted(_OUTPUT_FORMATS)}, got {output_format!r}")
    content_type, extension = _OUTPUT_FORMATS[fmt]
    return fmt, content_type, extension


def _check_quality(quality: int) -> None:
    """Refuse an encoder quality outside 1-100: a caller's mistake, so a plain ValueError."""
    if not 1 <= quality <= 100:
        raise ValueError(f"quality must be between 1 and 100, got {quality!r}")


# --- kind messages -----------------------------------------------------------------------------------------------


def human_bytes(size: int) -> str:
    """``14.2 MB``, ``10 MB``, ``512 KB``, ``900 bytes``: binary units, one decimal only when it says something."""
    if size < 1024:
        return "1 byte" if size == 1 else f"{size} bytes"
    if size < 1024 * 1024:
        return f"{_one_decimal(size / 1024)} KB"
    return f"{_one_decimal(size / (1024 * 1024))} MB"


def _human_pixels(pixels: int) -> str:
    """``40 megapixels`` or, for small limits, ``10,000 pixels``."""
    if pixels >= 1_000_000:
        return f"{_one_decimal(pixels / 1_000_000)} megapixels"
    return f"{pixels:,} pixels"


def _one_decimal(value: float) -> str:
    """``14.2`` or ``10`` (not ``10.0``): people read round numbers more easily."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _too_large_rejection(size: int | None, limit: int) -> ImageRejected:
    """The "too_large" refusal, naming both sizes when the upload's size is known."""
    if size is None:
        message = f"That photo is larger than the {human_bytes(limit)} limit. Please choose a smaller one."
    else:
        message = f"That photo is {human_bytes(size)}; the limit is {human_bytes(limit)}. Please choose a smaller one."
    return ImageRejected("too_large", message)


def _too_many_pixels_rejection(size: tuple[int, int] | None) -> ImageRejected:
    """The "too_many_pixels" refusal, naming the dimensions when we read them before Pillow refused."""
    limit = _human_pixels(image_max_pixels())
    if size is None:
        message = f"That photo has more pixels than we can safely handle; the limit is {limit}."
    else:
        width, height = size
        message = f"That photo is {width} x {height} pixels ({_human_pixels(width * height)}); the limit is {limit}."
    return ImageRejected("too_many_pixels", f"{message} Please upload a smaller version.")


def _unsupported_rejection(format_name: str) -> ImageRejected:
    """The "unsupported_type" refusal, naming the format the content really is (not what the name claims)."""
    name = _FRIENDLY_FORMAT_NAMES.get(format_name, format_name)
    return ImageRejected(
        "unsupported_type",
        f"We can't accept {name} files. Please upload a {_ACCEPTED_HUMAN} photo.",
    )


def _corrupt_rejection() -> ImageRejected:
    """The "corrupt" refusal: an accepted format whose data could not be decoded (often a cut-off upload)."""
    return ImageRejected(
        "corrupt",
        "That photo seems to be damaged or incomplete, so we couldn't read it. Please try uploading it again.",
    )
