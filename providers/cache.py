"""The cache, used so that a cache that is down is a miss, never a crash.

It is one cache for every process: Redis with ``REDIS_URL``, else diskcache's Django cache
(SQLite files under ``var/cache``) shared by web, worker and beat on the machine. Both give
an atomic ``add``, which the single-flight locks of ``providers.availability`` rely on.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.core.cache import cache as _cache
from django.db import transaction

T = TypeVar("T")

logger = logging.getLogger(__name__)


class _SafeCache:
    """Django's cache, but a cache that is down (Redis restarting, a full disk under the
    embedded cache) is a miss, not a crash:
    callers go to the provider directly and the member still gets an answer."""

    def _try(self, method: str, *args, default=None):
        try:
            return getattr(_cache, method)(*args)
        except Exception as exc:  # redis.ConnectionError and friends
            logger.warning("cache %s failed (%s): going without it", method, type(exc).__name__)
            return default

    def get(self, key):
        return self._try("get", key)

    def set(self, key, value, timeout):
        self._try("set", key, value, timeout)

    def add(self, key, value, timeout) -> bool:
        return self._try("add", key, value, timeout, default=True)

    def get_many(self, keys) -> dict:
        return self._try("get_many", keys, default={})

    def incr(self, key, timeout) -> None:
        """Add one to a counter that lives ``timeout`` seconds from its first count."""
        if not self._try("add", key, 1, timeout, default=False):
            try:
                _cache.incr(key)
            except ValueError:  # expired between the two calls: start again
                self._try("add", key, 1, timeout)
            except Exception as exc:
                logger.warning("cache incr failed (%s): going without it", type(exc).__name__)

    def delete(self, key):
        self._try("delete", key)

    def clear(self):
        self._try("clear")
        for kept in Bounded.instances:  # what this process kept of it goes too
            kept.clear()


cache = _SafeCache()


class Bounded:
    """Values kept in this process, at most ``size`` (least recently used goes first);
    thread-safe. Every one is emptied by ``cache.clear()`` (what a process kept of the
    shared cache goes with it). What a key may name is the subclass's or the user's rule."""

    instances: list[Bounded] = []

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[object, object] = OrderedDict()
        self._lock = threading.Lock()
        Bounded.instances.append(self)

    def get(self, key):
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


class ByContent(Bounded):
    """Values kept in this process under keys that name their whole content (a digest of
    what a page or a feed is made of, tokens included): a key never names two different
    values, so the copy here is as fresh as the shared cache's and saves its round trip.
    Only for such keys."""

    def kept(self, key: str, make: Callable[[], T], timeout: int) -> T:
        """The value under ``key``: here, else in the shared cache, else ``make()``, then
        kept in both (``timeout``: the shared cache's)."""
        value = self.get(key)
        if value is None:
            value = cache.get(key)
            if value is None:
                value = make()
                cache.set(key, value, timeout)
            self.put(key, value)
        return value


# --- values kept under a token ------------------------------------------------------------
# A value computed from the database (a room's holds, a member's bookings' facts, the
# exchange rates) is kept beside a token; every write that changes it replaces the token
# (``replace_tokens``: at once, and again once the write is committed, so a reader that
# queried before the commit cannot keep the old value under the new token). A value kept
# under another token than the current one is computed again. No timer decides freshness.


def kept_under_token(
    token_key: str,
    value_key: str,
    compute: Callable[[], T],
    timeout: int,
    read: dict | None = None,
    keep: Callable[[T], bool] | None = None,
) -> tuple[str | None, T]:
    """(the current token, the value kept under it, else ``compute()``, then kept).
    ``read``: both keys as the caller read them already (one ``get_many`` with its own);
    ``keep``: which computed values are kept (default all).
    The token is None while the cache is down: the value is computed, not kept."""
    if read is None:
        read = cache.get_many([token_key, value_key])
    token, kept = read.get(token_key), read.get(value_key)
    if token is not None and kept is not None and kept[0] == token:
        return token, kept[1]
    if token is None:  # first use, or evicted: a fresh token, as a write would set
        cache.add(token_key, uuid.uuid4().hex, timeout)
        token = cache.get(token_key)
    value = compute()
    if token is not None and (keep is None or keep(value)):
        cache.set(value_key, (token, value), timeout)
    return token, value


def current_tokens(timeouts: dict[str, int | None]) -> list[str] | None:
    """The tokens under these keys (each key's timeout: how long a fresh one lives), read
    in one round trip; a missing one (first use, evicted) is set fresh, as a write would.
    None while the cache is down: nothing may be kept under them then."""
    read = cache.get_many(list(timeouts))
    tokens = []
    for key, timeout in timeouts.items():
        token = read.get(key)
        if token is None:
            cache.add(key, uuid.uuid4().hex, timeout)
            token = cache.get(key)
            if token is None:
                return None
        tokens.append(token)
    return tokens


def replace_tokens(token_keys: Iterable[str], timeout: int) -> None:
    """What was kept under these tokens is not read again: now, and once committed."""
    keys = list(token_keys)

    def replace() -> None:
        for key in keys:
            cache.set(key, uuid.uuid4().hex, timeout)

    if keys:
        replace()
        transaction.on_commit(replace)
