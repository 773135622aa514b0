"""Typed readers for environment variables.

Each helper returns a value of one type or raises ``ImproperlyConfigured`` naming the variable and what was
wrong with it, so a bad deployment stops at start-up with a message a person can act on instead of failing
later with a confusing error deep inside a request.
"""

from __future__ import annotations

import os
from datetime import date
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
_MISSING = object()


def _raw(name: str, default: object) -> str | None:
    value = os.environ.get(name)
    if value is None:
        if default is _MISSING:
            raise ImproperlyConfigured(f"The environment variable {name} is required but is not set.")
        return None
    return value.strip()


def env_str(name: str, default: str | object = _MISSING) -> str:
    value = _raw(name, default)
    if value is None:
        return default  # type: ignore[return-value]
    if value == "" and default is _MISSING:
        raise ImproperlyConfigured(f"The environment variable {name} is required but is empty.")
    return value


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name, default)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (one of 1/0, true/false, yes/no, on/off); got {value!r}.")


def env_int(
    name: str, default: int | object = _MISSING, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    value = _raw(name, default)
    if value is None:
        return default  # type: ignore[return-value]
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {value!r}.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {number}.")
    if maximum is not None and number > maximum:
        raise ImproperlyConfigured(f"{name} must be at most {maximum}; got {number}.")
    return number


def env_list(name: str, default: list[str] | object = _MISSING) -> list[str]:
    """A comma-separated list; blank entries are dropped."""
    value = _raw(name, default)
    if value is None:
        return list(default)  # type: ignore[call-overload]
    return [part.strip() for part in value.split(",") if part.strip()]


def env_dates(name: str, default: list[date] | object = _MISSING) -> list[date]:
    """A comma-separated list of ISO dates (YYYY-MM-DD); one that is not a date names itself in the error."""
    if _raw(name, default) is None:
        return list(default)  # type: ignore[call-overload]
    dates = []
    for value in env_list(name):
        try:
            dates.append(date.fromisoformat(value))
        except ValueError:
            raise ImproperlyConfigured(
                f"{name} must list dates as YYYY-MM-DD, separated by commas; got {value!r}."
            ) from None
    return dates


def env_url(name: str, default: str | object = _MISSING, *, schemes: tuple[str, ...]) -> str:
    """A URL whose scheme is one of ``schemes`` and which names a host."""
    value = env_str(name, default)
    if value is default and default is not _MISSING:
        return value  # type: ignore[return-value]
    parts = urlsplit(value)
    if parts.scheme not in schemes:
        expected = " or ".join(f"{scheme}://" for scheme in schemes)
        raise ImproperlyConfigured(f"{name} must be a URL starting with {expected}; got scheme {parts.scheme!r}.")
    if not parts.hostname:
        raise ImproperlyConfigured(f"{name} must name a host, e.g. {schemes[0]}://host:port/...")
    return value


def env_choice(name: str, choices: tuple[str, ...], default: str) -> str:
    value = env_str(name, default)
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}; got {value!r}.")
    return value
