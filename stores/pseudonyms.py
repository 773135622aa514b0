"""The pseudonym (OIDC ``sub``) each store sees for a person: pairwise, as OIDC Core 8.1 describes (STO-2, STO-4).

``sub = HMAC-SHA256(key, store id | user id | generation)``, written in hex. Two stores never see the same value
for one person, the internal user id cannot be read back from it, and a new connection generation (after a
revocation) gives an unrelated value. The key is ``STORE_PSEUDONYM_KEY``, or one derived from ``SECRET_KEY``.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.utils.crypto import salted_hmac


def _key() -> bytes:
    if settings.STORE_PSEUDONYM_KEY:
        return settings.STORE_PSEUDONYM_KEY.encode()
    return salted_hmac("stores.pseudonym.key", "v1", algorithm="sha256").digest()


def store_pseudonym(*, store_id: int, user_id: int, generation: int) -> str:
    message = f"{store_id}|{user_id}|{generation}".encode()
    return hmac.new(_key(), message, hashlib.sha256).hexdigest()
