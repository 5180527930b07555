"""The cache, used so that a cache that is down is a miss, never a crash.

It is one cache for every process: Redis with ``REDIS_URL``, else diskcache's Django cache
(SQLite files under ``var/cache``) shared by web, worker and beat on the machine. Both give
an atomic ``add``, which the single-flight locks of ``providers.availability`` rely on.
"""

from __future__ import annotations

import logging

from django.core.cache import cache as _cache

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


cache = _SafeCache()
