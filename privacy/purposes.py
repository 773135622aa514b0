"""The purposes that need a person's consent, each with its notice: the exact words shown, versioned.

A consent event records which version of the notice the person saw. Changing what a purpose means is a new
version (append it; never edit a published one), so old events keep pointing at the words they were given under.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

STORE_PURPOSE_PREFIX = "store:"


@dataclass(frozen=True)
class Notice:
    version: str
    text: str

    @property
    def digest(self) -> str:
        """A fingerprint of the exact words, stored with each event as proof of what was shown."""
        return hashlib.sha256(self.text.encode()).hexdigest()


@dataclass(frozen=True)
class Purpose:
    key: str
    title: str
    notices: tuple[Notice, ...]
    special_category: bool = False  # explicit consent for special-category data (GDPR art. 9)
    cookie: bool = False  # governed by the cookie banner and the Global Privacy Control signal

    @property
    def notice(self) -> Notice:
        """The current notice: the one a new choice is made under."""
        return self.notices[-1]

    def notice_version(self, version: str) -> Notice | None:
        return next((n for n in self.notices if n.version == version), None)


PURPOSES: dict[str, Purpose] = {
    purpose.key: purpose
    for purpose in (
        Purpose(
            key="location",
            title="Location",
            notices=(
                Notice(
                    "2026-11-01",
                    "Use my location (my city, or the precise position my browser gives when I choose it) to suggest "
                    "outfits for the weather where I am. Stored only while I allow it; turning it off deletes it.",
                ),
            ),
        ),
        Purpose(
            key="ai_uploads",
            title="AI uploads",
            notices=(
                Notice(
                    "2026-11-01",
                    "Process a photo or text I upload to inspire outfit ideas. It is processed on SesioCloset's own "
                    "servers, never shared, never used to train models, and deleted as soon as the idea is ready.",
                ),
            ),
        ),
        Purpose(
            key="body_photos",
            title="Body photos",
            special_category=True,
            notices=(
                Notice(
                    "2026-11-01",
                    "I explicitly consent to SesioCloset storing photos that show my body, used only for try-ons I "
                    "ask for. Withdrawing deletes these photos and every try-on made from them.",
                ),
            ),
        ),
        Purpose(
            key="marketing_email",
            title="News by e-mail",
            notices=(
                Notice(
                    "2026-11-01",
                    "Send me SesioCloset's newsletter and product news by e-mail. Every e-mail has a one-click "
                    "unsubscribe link.",
                ),
            ),
        ),
        Purpose(
            key="analytics",
            title="Usage analytics",
            cookie=True,
            notices=(
                Notice(
                    "2026-11-01",
                    "Count how I use SesioCloset (pages and features, first-party only, no advertising networks) to "
                    "improve it. Kept for up to 12 months.",
                ),
            ),
        ),
    )
}


def purpose_get(key: str) -> Purpose:
    """The purpose with this key; LookupError for one that does not exist (an API answers that with 400).

    Each connected store has its own purpose, ``store:<id>``; the stores app supplies its notice.
    """
    if key in PURPOSES:
        return PURPOSES[key]
    if key.startswith(STORE_PURPOSE_PREFIX) and key[len(STORE_PURPOSE_PREFIX) :].isdigit():
        return Purpose(
            key=key,
            title="Connected store",
            notices=(Notice("2026-11-01", "Share the fields I chose with this store, under a pseudonym."),),
        )
    raise LookupError(f"There is no consent purpose called {key!r}.")
