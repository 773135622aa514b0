"""One storage API for every private file (photos, exports, AI uploads, avatars).

Nothing a user uploads has a public or guessable URL (promise CLO-1). ``storage.url(name)`` always returns a
link that is bound to that one file and expires after ``PRIVATE_FILE_URL_MAX_AGE`` seconds (default 300):

* on local disk, a URL of ``core.views.private_file`` carrying an expiry time and an HMAC of path + expiry;
* on S3, a presigned GET URL from django-storages with the same lifetime, on a bucket whose objects are private.

Services that delete a row delete its files through :func:`private_files_delete_on_commit`, so the files go
only once the row is really gone ("files follow rows").
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import transaction
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.deconstruct import deconstructible
from storages.backends.s3 import S3Storage

_SIGNER_SALT = "core.storage.private-file"


def _signature(name: str, expires: int) -> str:
    return signing.Signer(salt=_SIGNER_SALT).signature(f"{name}\n{expires}")


def private_file_url_check(name: str, expires: str | None, signature: str | None, *, now: float | None = None) -> bool:
    """True when ``signature`` was made by us for exactly this file and expiry, and the expiry has not passed."""
    if not expires or not signature or not expires.isdigit():
        return False
    if int(expires) < (time.time() if now is None else now):
        return False
    return constant_time_compare(_signature(name, int(expires)), signature)


def _max_age(expire: int | None) -> int:
    return settings.PRIVATE_FILE_URL_MAX_AGE if expire is None else expire


class PrivateFileSystemStorage(FileSystemStorage):
    """Files under MEDIA_ROOT (outside any static or public URL), reached only through signed, expiring URLs."""

    def url(self, name: str | None, *, expire: int | None = None) -> str:
        if not name:
            raise ValueError("A private file URL needs a file name.")
        expires = int(time.time()) + _max_age(expire)
        path = reverse("private-file", kwargs={"name": name})
        query = urlencode({"expires": expires, "signature": _signature(name, expires)})
        return f"{path}?{query}"


class PrivateS3Storage(S3Storage):
    """A private bucket: objects get a private ACL and every URL is presigned with the same short lifetime."""

    def get_default_settings(self) -> dict:
        defaults = super().get_default_settings()
        defaults.update(
            default_acl="private",
            querystring_auth=True,
            querystring_expire=settings.PRIVATE_FILE_URL_MAX_AGE,
            file_overwrite=False,
            custom_domain=None,
            # SigV4 binds the signature to the method, path, host and expiry; SigV2 is deprecated by AWS.
            signature_version="s3v4",
        )
        return defaults

    def url(self, name: str, parameters=None, expire: int | None = None, http_method=None) -> str:
        return super().url(name, parameters=parameters, expire=_max_age(expire), http_method=http_method)


def private_url(name: str, *, expire: int | None = None) -> str:
    """A signed URL for a stored private file, valid for ``expire`` seconds (default: the setting)."""
    return default_storage.url(name, expire=expire)


@deconstructible
class PrivateUploadTo:
    """``upload_to`` that stores under ``prefix/`` with a random name: the user's file name is never kept."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix.strip("/")

    def __call__(self, instance: object, filename: str) -> str:
        extension = os.path.splitext(filename)[1].lower()[:10]
        return f"{self.prefix}/{uuid.uuid4().hex}{extension}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PrivateUploadTo) and other.prefix == self.prefix

    def __hash__(self) -> int:
        return hash(self.prefix)


def private_files_delete_on_commit(*names: str) -> None:
    """Delete stored files once the surrounding transaction commits (immediately when there is none)."""
    to_delete = [name for name in names if name]
    if not to_delete:
        return

    def _delete() -> None:
        for name in to_delete:
            default_storage.delete(name)

    transaction.on_commit(_delete)


def private_storage_walk(directory: str = "") -> Iterator[str]:
    """Every file name in private storage below ``directory``."""
    try:
        subdirectories, files = default_storage.listdir(directory)
    except FileNotFoundError:
        return
    for file_name in files:
        yield f"{directory}/{file_name}" if directory else file_name
    for subdirectory in subdirectories:
        yield from private_storage_walk(f"{directory}/{subdirectory}" if directory else subdirectory)
