"""Signing of the webhooks we send stores (RGT-7).

Each request carries ``SesioCloset-Timestamp`` (Unix seconds) and ``SesioCloset-Signature: v1=<hex>``, where the
signature is HMAC-SHA256 over ``"<timestamp>.<raw body>"`` under the store's webhook key. A store recomputes it,
compares in constant time and refuses a timestamp older than five minutes (replays); the demo store's
``webhook_signature_valid`` (examples/demo_store/app.py) is that check, and the tests verify our notices with it.
The key is derived from the server's secret, the store and its secret version, so it is never stored: staff see
it once, when the store is registered or its secrets are rotated.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from django.utils.crypto import salted_hmac

SIGNATURE_HEADER = "SesioCloset-Signature"
TIMESTAMP_HEADER = "SesioCloset-Timestamp"


def store_webhook_key(*, store_id: int, secret_version: int) -> str:
    return "whsec_" + salted_hmac("stores.webhook.key", f"{store_id}:{secret_version}", algorithm="sha256").hexdigest()


def webhook_signature(*, key: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(key.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"v1={mac}"


def webhook_headers(*, key: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return {
        "Content-Type": "application/json",
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: webhook_signature(key=key, timestamp=timestamp, body=body),
    }
