"""Django's Redis cache, with one Redis client per connection pool instead of one per call.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` for every cache
operation, and redis-py's constructor fills a table of about 170 response callbacks each
time: measured on a warm week page (``bench/profile_pages.py``), that was about 0.45 ms
per cache call, more than the round trip to Redis itself. A ``redis.Redis`` is safe to
share between threads (each command takes a connection from the pool), so the client is
built once per pool and kept; the pools, and what is stored, are Django's own.
"""

from __future__ import annotations

import threading

from django.core.cache.backends import redis as django_redis


class _KeptClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}
        self._lock = threading.Lock()

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            with self._lock:
                made = self._client(connection_pool=pool)  # type: ignore[attr-defined]
                client = self._clients.setdefault(id(pool), made)
        return client


class RedisCache(django_redis.RedisCache):
    """``django.core.cache.backends.redis.RedisCache`` with ``_KeptClient``."""

    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = _KeptClient
