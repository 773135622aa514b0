"""Helpers of the store API tests: a store's own token (client credentials) and clients that call as a store."""

from __future__ import annotations

import base64
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image
from rest_framework.test import APIClient

CAMERA = "SecretCam X9000"


def store_token(registered, *, scope: str = "openid") -> str:
    """A store-level access token from the token endpoint (client credentials, HTTP Basic), as a store gets it."""
    basic = base64.b64encode(f"{registered.client_id}:{registered.client_secret}".encode()).decode()
    response = APIClient().post(
        "/identity/o/api/token",
        {"grant_type": "client_credentials", "scope": scope},
        format="multipart",
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert "id_token" not in body and "refresh_token" not in body
    return body["access_token"]


def as_store(token: str) -> APIClient:
    """A client with no session and no cookies, sending the token as a store does."""
    return APIClient(headers={"Authorization": f"Bearer {token}"})


def photo_with_exif(size=(300, 200)) -> SimpleUploadedFile:
    """A JPEG carrying a camera model and GPS position: what the pipeline must strip."""
    exif = Image.Exif()
    exif[ExifTags.Base.Model] = CAMERA
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (51.0, 30.0, 26.0)
    buffer = io.BytesIO()
    Image.new("RGB", size, (0x1F, 0x2A, 0x44)).save(buffer, format="JPEG", exif=exif, quality=90)
    data = buffer.getvalue()
    assert CAMERA.encode() in data
    return SimpleUploadedFile("product.jpg", data, content_type="image/jpeg")


def purchase_data(**overrides) -> dict:
    data = {
        "order_id": "A-1042",
        "line_id": "1",
        "product_name": "Linen shirt",
        "brand": "Linen House",
        "category": "Women > Shirts",
        "colour": "Navy",
        "size": "M",
        "price": "49.00",
        "currency": "EUR",
        "purchased_on": "2026-03-14",
    }
    data.update(overrides)
    return data
