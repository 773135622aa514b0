"""The cookie choice (CON-3): before a person chooses, only strictly necessary cookies are set (session, CSRF,
device). The choice lives in one signed first-party cookie and, as proof, in the consent log. The Global Privacy
Control signal (``Sec-GPC: 1``) is an opt-out of analytics and marketing, recorded with method "gpc"."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

CHOICE_COOKIE = "sc_consent"
CHOICE_COOKIE_MAX_AGE = 60 * 60 * 24 * 180  # ask again after six months
ANALYTICS_COOKIE = "sc_analytics"
_SALT = "privacy.cookie-choice"


@dataclass(frozen=True)
class CookieChoice:
    visitor_id: str
    analytics: bool
    gpc: bool = False


def cookie_choice_read(request: HttpRequest) -> CookieChoice | None:
    """The choice this browser made, or None when it has not chosen (or the cookie was tampered with)."""
    raw = request.COOKIES.get(CHOICE_COOKIE)
    if not raw:
        return None
    try:
        data = signing.loads(raw, salt=_SALT, max_age=CHOICE_COOKIE_MAX_AGE)
        return CookieChoice(visitor_id=str(data["v"]), analytics=bool(data["a"]), gpc=bool(data.get("g")))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def cookie_choice_write(request: HttpRequest, response: HttpResponse, choice: CookieChoice) -> None:
    value = signing.dumps({"v": choice.visitor_id, "a": int(choice.analytics), "g": int(choice.gpc)}, salt=_SALT)
    response.set_cookie(
        CHOICE_COOKIE,
        value,
        max_age=CHOICE_COOKIE_MAX_AGE,
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
    )
    if not choice.analytics and ANALYTICS_COOKIE in request.COOKIES:
        response.delete_cookie(ANALYTICS_COOKIE)


def visitor_id_new() -> str:
    return secrets.token_urlsafe(16)


def gpc_signal(request: HttpRequest) -> bool:
    return request.headers.get("Sec-GPC", "").strip() == "1"
