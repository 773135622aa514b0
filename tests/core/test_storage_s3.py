"""Private files on S3 through django-storages, against moto's S3 server over real HTTP.

What our code decides is tested here: objects are written private (no public grant), every URL is a SigV4
presigned URL that lives PRIVATE_FILE_URL_MAX_AGE seconds, files round-trip and deleting removes the object.
Whether S3 then refuses a forged or expired signature is S3's own behaviour: moto does not check presigned
signatures, so that part is not asserted here (tests/core/test_storage.py proves it for the local path).
"""

from __future__ import annotations

import urllib.request
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from moto.server import ThreadedMotoServer

from core.storage import PrivateS3Storage, private_url

pytestmark = pytest.mark.promise("CLO-1")

BUCKET = "sesio-private"
CREDENTIALS = {
    "aws_access_key_id": "test-key",
    "aws_secret_access_key": "test-secret",
    "region_name": "us-east-1",
}


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    boto3.client("s3", endpoint_url=endpoint, **CREDENTIALS).create_bucket(Bucket=BUCKET)
    yield endpoint
    server.stop()


@pytest.fixture
def s3_client(s3_endpoint):
    return boto3.client("s3", endpoint_url=s3_endpoint, **CREDENTIALS)


@pytest.fixture
def s3_storage(settings, s3_endpoint):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "core.storage.PrivateS3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "access_key": CREDENTIALS["aws_access_key_id"],
                "secret_key": CREDENTIALS["aws_secret_access_key"],
                "region_name": "us-east-1",
                "addressing_style": "path",
            },
        },
    }
    return default_storage


def test_files_round_trip_through_the_bucket(s3_storage, s3_client):
    name = s3_storage.save("photos/coat.jpg", ContentFile(b"jpeg bytes"))
    assert isinstance(s3_storage._wrapped, PrivateS3Storage)
    assert s3_client.get_object(Bucket=BUCKET, Key=name)["Body"].read() == b"jpeg bytes"


def test_objects_are_written_private(s3_storage, s3_client):
    name = s3_storage.save("photos/coat.jpg", ContentFile(b"jpeg bytes"))
    grants = s3_client.get_object_acl(Bucket=BUCKET, Key=name)["Grants"]
    grantees = {grant["Grantee"].get("URI", grant["Grantee"].get("ID")) for grant in grants}
    assert not any("AllUsers" in g or "AuthenticatedUsers" in g for g in grantees if g)
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]


def test_every_url_is_presigned_sigv4_for_five_minutes(s3_storage):
    name = s3_storage.save("photos/coat.jpg", ContentFile(b"jpeg bytes"))
    url = private_url(name)
    query = parse_qs(urlsplit(url).query)
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert query["X-Amz-Expires"] == ["300"]
    assert query["X-Amz-Signature"][0]
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.read() == b"jpeg bytes"


def test_the_lifetime_follows_the_setting_and_a_per_call_override(s3_storage, settings):
    name = s3_storage.save("photos/coat.jpg", ContentFile(b"jpeg bytes"))
    settings.PRIVATE_FILE_URL_MAX_AGE = 120
    assert parse_qs(urlsplit(private_url(name)).query)["X-Amz-Expires"] == ["120"]
    assert parse_qs(urlsplit(private_url(name, expire=60)).query)["X-Amz-Expires"] == ["60"]


def test_deleting_removes_the_object(s3_storage, s3_client):
    name = s3_storage.save("photos/coat.jpg", ContentFile(b"jpeg bytes"))
    s3_storage.delete(name)
    listed = s3_client.list_objects_v2(Bucket=BUCKET, Prefix=name)
    assert listed.get("KeyCount", 0) == 0
