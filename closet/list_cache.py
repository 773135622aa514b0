"""A short-lived, per-owner cache of the closet list (``/api/v1/items/`` and ``/closet/``), correct by construction.

Why: a page of a large closet costs tens of milliseconds of queries and formatting, while people open the same
page again and again between changes. What keeps it correct:

* The key holds the owner's id and everything else the answer depends on: the kind of page, scheme, host, path,
  the full query string (sorted, so the same question in another order is the same entry), the active time zone
  and language, and whatever the view adds (the HTML page adds today's date). The entry holds the answer and the
  two **generations** it was computed under: the owner's, and one of the shared taxonomy (categories, colours).
  It counts only while both are current; a reader gets the entry and the generations in one round trip.
* Every write to what the list shows (items, their colours and tags, the owner's tags, photos, wears, and the
  purchases waiting in the stores inbox that the HTML page's entry counts; see ``closet/signals.py``,
  ``stores/signals.py`` and the services that update rows in bulk) calls :func:`closet_list_invalidate`, which
  clears the owner's entries **when the transaction commits**. Clearing deletes the generation: the next reader
  draws a new random one. A reader reads the generation *before* it queries the database, so an answer computed
  from data older than a write is stored under a generation that is already dead (never counted again), and an
  answer stored under a live generation was computed after the write committed.
* Entries live :func:`closet_list_cache_seconds` (60 s by default), at most a fifth of the signed file links'
  lifetime (``PRIVATE_FILE_URL_MAX_AGE``, 300 s): a cached answer never hands out a photo link with less than
  four fifths of its life left.
* It is on only where every process that writes shares the cache (Redis in production). A process-local cache
  (``LocMemCache``, the embedded default) would miss writes made by the Celery worker or another web process,
  so there it is off unless ``CLOSET_LIST_CACHE = True`` says that one process does everything (the benchmark).

:func:`closet_list_cache_clear` deletes an owner's entries at once (account erasure calls it).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.utils import timezone, translation
from django.utils.http import urlencode

CACHE_ALIAS = "default"
DEFAULT_SECONDS = 60
_PREFIX = "closet-list"
_TAXONOMY_KEY = f"{_PREFIX}:taxonomy"
# How many entry keys an owner's index remembers (pages, filters, sorts); older ones just expire.
_INDEX_MAX = 200

T = TypeVar("T")


def _cache():
    return caches[CACHE_ALIAS]


def closet_list_cache_seconds() -> int:
    """How long an entry lives: ``CLOSET_LIST_CACHE_SECONDS`` (default 60), capped at a fifth of the signed
    file links' lifetime so that no cached answer carries a link close to expiry. 0 turns the cache off."""
    wanted = getattr(settings, "CLOSET_LIST_CACHE_SECONDS", DEFAULT_SECONDS)
    return max(0, min(int(wanted), settings.PRIVATE_FILE_URL_MAX_AGE // 5))


def closet_list_cache_enabled() -> bool:
    """On with a cache every process shares; off with a process-local one, unless ``CLOSET_LIST_CACHE`` says."""
    configured = getattr(settings, "CLOSET_LIST_CACHE", None)
    if closet_list_cache_seconds() <= 0 or isinstance(_cache(), DummyCache):
        return False
    if configured is not None:
        return bool(configured)
    return not isinstance(_cache(), LocMemCache)


def _generation_key(owner_id: Any) -> str:
    return f"{_PREFIX}:{owner_id}:generation"


def _index_key(owner_id: Any) -> str:
    return f"{_PREFIX}:{owner_id}:keys"


def _generations_draw(owner_id: Any) -> tuple[str, str] | None:
    """The owner's and the taxonomy's current generations, drawn at random where missing; None if unavailable."""
    cache = _cache()
    keys = [_generation_key(owner_id), _TAXONOMY_KEY]
    for key in keys:
        cache.add(key, uuid.uuid4().hex, timeout=None)  # add: a concurrent reader's draw wins, not ours
    found = cache.get_many(keys)
    if len(found) < len(keys):
        return None
    return found[keys[0]], found[keys[1]]


def _entry_key(owner_id: Any, request, kind: str, extra: Iterable[str]) -> str:
    query = sorted((name, value) for name, values in request.GET.lists() for value in values)
    parts = [
        kind,
        request.scheme,
        request.get_host(),
        request.path,
        urlencode(query),
        timezone.get_current_timezone_name(),
        translation.get_language() or "",
        *extra,
    ]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"{_PREFIX}:{owner_id}:{digest}"


def _index_add(owner_id: Any, key: str, seconds: int) -> None:
    # Read-modify-write: two concurrent stores may lose one key here. That entry is then not deleted by a clear,
    # but it is dead all the same (the clear deletes the generation it was stored under) and expires in `seconds`.
    cache = _cache()
    keys = [k for k in cache.get(_index_key(owner_id), []) if k != key][-(_INDEX_MAX - 1) :]
    cache.set(_index_key(owner_id), [*keys, key], timeout=seconds)


def closet_list_cached(
    request,
    *,
    compute: Callable[[], T],
    kind: str = "api",
    extra: Iterable[str] = (),
    keep: Callable[[T], bool] = lambda value: True,
) -> T:
    """The signed-in owner's answer for this request from the cache, else ``compute()`` (stored when ``keep``).

    ``compute`` must depend only on the owner's closet data, the shared taxonomy and what the key holds (see the
    module docstring); ``extra`` adds anything else it depends on. Exceptions (bad filters, a missing page)
    propagate and nothing is stored.

    A hit costs one round trip to the cache: the entry and both generations are read together, and the entry
    counts only if it was stored under the generations that are current now.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not closet_list_cache_enabled():
        return compute()
    owner_id = user.pk
    cache = _cache()
    key = _entry_key(owner_id, request, kind, extra)
    generation_keys = [_generation_key(owner_id), _TAXONOMY_KEY]
    # The generations are read before compute() touches the database: that order is what makes a stale store
    # harmless (module docstring).
    found = cache.get_many([*generation_keys, key])
    if all(name in found for name in generation_keys):
        generations = (found[generation_keys[0]], found[generation_keys[1]])
    else:
        generations = _generations_draw(owner_id)
        if generations is None:
            return compute()
    entry = found.get(key)
    if entry is not None and entry[0] == generations:
        return entry[1]
    value = compute()
    if keep(value):
        seconds = closet_list_cache_seconds()
        cache.set(key, (generations, value), timeout=seconds)
        _index_add(owner_id, key, seconds)
    return value


def closet_list_cache_clear(*, owner_id: Any) -> None:
    """Delete every closet-list cache entry of this owner, now (account erasure calls it, after its deletions).

    The owner's generation goes too, so an entry a concurrent request stores with the old one is never read
    again (and expires within :func:`closet_list_cache_seconds`).
    """
    cache = _cache()
    keys = cache.get(_index_key(owner_id), [])
    cache.delete_many([*keys, _index_key(owner_id), _generation_key(owner_id)])


class _ClearOnCommit:
    """The pending clear of one owner's entries: one per owner per transaction, however many rows change."""

    def __init__(self, owner_id: Any) -> None:
        self.owner_id = owner_id
        self.done = False

    def __call__(self) -> None:
        self.done = True
        closet_list_cache_clear(owner_id=self.owner_id)


def closet_list_invalidate(*, owner_id: Any, using: str | None = None) -> None:
    """Clear the owner's closet-list entries once the current transaction commits (at once outside one).

    Call it from every write to what the list shows. After the commit, not before: a reader between an early
    clear and the commit would cache the old data under the new generation.
    """
    if owner_id is None:
        return
    connection = transaction.get_connection(using)
    if connection.in_atomic_block:
        # Deleting a closet sends a signal per row; one clear at commit is enough. A rolled-back savepoint
        # drops its callbacks from run_on_commit, so a clear registered there is not counted.
        for _savepoints, callback, _robust in connection.run_on_commit:
            if isinstance(callback, _ClearOnCommit) and callback.owner_id == owner_id and not callback.done:
                return
    # robust: the write has committed whatever happens here; a cache outage is logged, and entries expire soon.
    transaction.on_commit(_ClearOnCommit(owner_id), using=using, robust=True)


def closet_list_taxonomy_changed(*, using: str | None = None) -> None:
    """Categories or colours changed (staff, in the admin): every owner's entries are dropped at commit."""
    transaction.on_commit(lambda: _cache().set(_TAXONOMY_KEY, uuid.uuid4().hex, timeout=None), using=using)


# The receivers that catch writes bypassing the services (closet/signals.py). Imported here as well as from
# ClosetConfig.ready so that any process that can use the cache also invalidates it.
from closet import signals as _signals  # noqa: E402, F401
