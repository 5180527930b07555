"""Client-side rate limits shared by every worker process.

A sliding-window log in Redis (one sorted set per key, updated atomically by a Lua
script), so four workers together never send more than the provider's documented limit
(Thia: 60 requests per minute per key) and the portal never earns a 429 in normal
operation. Without Redis (the embedded laptop set-up) the same log is kept in a diskcache
folder beside the shared cache (SQLite, one transaction per request), so web, worker and
beat on one machine share it too. Either store failing falls back to a window kept in
this process: requests slow down rather than stop.

The limit is split in two shares (``acquire(..., share=BROWSE)``): availability asked
for pages (``BROWSE``) may use only ``PROVIDER_BROWSE_PERCENT`` of it, counted in a window
of its own on top of the whole one; bookings, submissions and quotes (``RESERVED``, the
default) count in the whole window only. Anonymous browsing can therefore never take the
places a member's price preview or booking needs.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

logger = logging.getLogger(__name__)

# Returns 0 when a request may go now (and records it), else the milliseconds to wait.
_SLIDING_WINDOW = """
local key = KEYS[1]
local limit = tonumber(ARGV[1])
local window_ms = tonumber(ARGV[2])
local member = ARGV[3]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window_ms)
if redis.call('ZCARD', key) < limit then
  redis.call('ZADD', key, now, member)
  redis.call('PEXPIRE', key, window_ms)
  return 0
end
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window_ms - now)
"""


@dataclass(frozen=True)
class Limit:
    requests: int
    seconds: float


class RateLimitTimeout(Exception):
    pass


class RedisRateLimiter:
    def __init__(self, client, prefix: str = "portal:ratelimit:") -> None:
        self.client = client
        self.prefix = prefix
        self.script = client.register_script(_SLIDING_WINDOW)
        self.fallback = LocalRateLimiter()

    def try_acquire(self, key: str, limit: Limit) -> float:
        """0 if allowed now, else seconds to wait before asking again."""
        try:
            wait_ms = self.script(
                keys=[self.prefix + key],
                args=[limit.requests, int(limit.seconds * 1000), uuid.uuid4().hex],
            )
        except Exception as exc:  # Redis down: keep this process within the limit alone
            logger.warning(
                "rate limiter: Redis unavailable (%s), using a local window", type(exc).__name__
            )
            return self.fallback.try_acquire(key, limit)
        return int(wait_ms) / 1000


class LocalRateLimiter:
    """The same sliding window, in this process only."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.lock = threading.Lock()
        self.windows: dict[str, deque[float]] = {}

    def try_acquire(self, key: str, limit: Limit) -> float:
        with self.lock:
            now = self.clock()
            window = self.windows.setdefault(key, deque())
            while window and window[0] <= now - limit.seconds:
                window.popleft()
            if len(window) < limit.requests:
                window.append(now)
                return 0.0
            return max(0.001, window[0] + limit.seconds - now)


class DiskRateLimiter:
    """The same sliding window, in a ``diskcache.Cache`` folder every process on this
    machine opens: each key holds the times of the requests of the last window, read and
    written in one SQLite ``BEGIN IMMEDIATE`` transaction, so two processes never both
    take the last place. Wall-clock time, which every process on one machine shares."""

    def __init__(self, directory: str | os.PathLike[str], clock: Callable[[], float] = time.time):
        import diskcache

        # diskcache opens one SQLite connection per thread and reopens it after a fork
        self.store = diskcache.Cache(str(directory), timeout=30)
        self.clock = clock
        self.fallback = LocalRateLimiter()

    def try_acquire(self, key: str, limit: Limit) -> float:
        """0 if allowed now, else seconds to wait before asking again."""
        try:
            with self.store.transact(retry=True):
                now = self.clock()
                stamps = [
                    t
                    for t in self.store.get(key, default=(), retry=True)
                    if t > now - limit.seconds
                ]
                if len(stamps) < limit.requests:
                    stamps.append(now)
                    self.store.set(key, stamps, expire=limit.seconds, retry=True)
                    return 0.0
            return max(0.001, min(stamps) + limit.seconds - now)
        except Exception as exc:  # a full disk, a broken file: keep this process in limits
            logger.warning(
                "rate limiter: %s unavailable (%s), using a local window",
                self.store.directory,
                type(exc).__name__,
            )
            return self.fallback.try_acquire(key, limit)


RESERVED = "reserved"
BROWSE = "browse"


def browse_limit(limit: Limit, share: float | None = None) -> Limit:
    """The part of ``limit`` availability for pages may use (at least one request)."""
    if share is None:
        from django.conf import settings

        share = min(1.0, getattr(settings, "PROVIDER_BROWSE_PERCENT", 50) / 100)
    return Limit(max(1, int(limit.requests * share)), limit.seconds)


def acquire(
    limiter,
    key: str,
    limit: Limit,
    *,
    max_wait: float = 120.0,
    sleep: Callable[[float], None] = time.sleep,
    share: str = RESERVED,
) -> float:
    """Block until a request under ``key`` is allowed; returns the seconds waited.

    ``share=BROWSE`` also takes a place in the browsing share's own window first (a place
    taken there and then refused by the whole window is left taken: it errs on the side
    of the reserved share)."""
    waited = 0.0
    windows = [(key, limit)]
    if share == BROWSE:
        windows.insert(0, (f"{key}:{BROWSE}", browse_limit(limit)))
    for window_key, window_limit in windows:
        waited = _acquire_one(limiter, window_key, window_limit, max_wait, sleep, waited)
    return waited


def _acquire_one(
    limiter, key: str, limit: Limit, max_wait: float, sleep: Callable[[float], None], waited: float
) -> float:
    while True:
        wait = limiter.try_acquire(key, limit)
        if wait <= 0:
            return waited
        if waited + wait > max_wait:
            raise RateLimitTimeout(f"rate limit {key}: would wait more than {max_wait:.0f}s")
        sleep(wait)
        waited += wait


_default: RedisRateLimiter | DiskRateLimiter | LocalRateLimiter | None = None
_default_lock = threading.Lock()

DISK_CACHE_BACKEND = "diskcache.DjangoCache"


def default_limiter():
    """Redis when ``REDIS_URL`` is set; else a folder beside the embedded shared cache
    (``<cache LOCATION>/ratelimit``); a per-process window only when the cache is neither."""
    global _default
    with _default_lock:
        if _default is None:
            from django.conf import settings

            cache = settings.CACHES["default"]
            if settings.REDIS_URL:
                import redis

                _default = RedisRateLimiter(redis.Redis.from_url(settings.REDIS_URL))
            elif cache["BACKEND"] == DISK_CACHE_BACKEND:
                _default = DiskRateLimiter(os.path.join(str(cache["LOCATION"]), "ratelimit"))
            else:
                _default = LocalRateLimiter()
        return _default
