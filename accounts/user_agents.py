"""A readable name for a device from its user agent ("Firefox on Windows"), for the Devices page and alerts.

Deliberately small: we show people which browser signed in, we do not fingerprint them.
"""

from __future__ import annotations

import re

_BROWSERS = (
    ("Edge", re.compile(r"Edg(?:e|A|iOS)?/")),
    ("Opera", re.compile(r"OPR/|Opera")),
    ("Samsung Internet", re.compile(r"SamsungBrowser/")),
    ("Firefox", re.compile(r"Firefox/|FxiOS/")),
    ("Chrome", re.compile(r"Chrome/|CriOS/|Chromium/")),
    ("Safari", re.compile(r"Version/[\d.]+.*Safari/")),
)
_SYSTEMS = (
    ("iPhone", re.compile(r"iPhone")),
    ("iPad", re.compile(r"iPad")),
    ("Android", re.compile(r"Android")),
    ("Windows", re.compile(r"Windows")),
    ("macOS", re.compile(r"Mac OS X|Macintosh")),
    ("ChromeOS", re.compile(r"CrOS")),
    ("Linux", re.compile(r"Linux")),
)
_APP = re.compile(r"^SesioCloset/([\d.]+)")


def device_name(user_agent: str) -> str:
    """E.g. "Chrome on Android", "SesioCloset app on iPhone", or "Unknown device"."""
    user_agent = user_agent or ""
    app = _APP.search(user_agent)
    browser = "SesioCloset app" if app else next((n for n, rx in _BROWSERS if rx.search(user_agent)), None)
    system = next((n for n, rx in _SYSTEMS if rx.search(user_agent)), None)
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or "Unknown device"
