"""The cache, used so that a cache that is down is a miss, never a crash."""

from __future__ import annotations

import logging

from django.core.cache import cache as _cache

logger = logging.getLogger(__name__)


class _SafeCache:
    """Django's cache, but a cache that is down (Redis restarting) is a miss, not a crash:
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

    def delete(self, key):
        self._try("delete", key)

    def clear(self):
        self._try("clear")


cache = _SafeCache()
