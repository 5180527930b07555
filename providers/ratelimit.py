"""Client-side rate limits shared by every worker process.

A sliding-window log in Redis (one sorted set per key, updated atomically by a Lua
script), so four workers together never send more than the provider's documented limit
(Thia: 60 requests per minute per key) and the portal never earns a 429 in normal
operation. Without Redis (the embedded laptop set-up) the window is kept per process.
"""

from __future__ import annotations

import logging
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


def acquire(
    limiter,
    key: str,
    limit: Limit,
    *,
    max_wait: float = 120.0,
    sleep: Callable[[float], None] = time.sleep,
) -> float:
    """Block until a request under ``key`` is allowed; returns the seconds waited."""
    waited = 0.0
    while True:
        wait = limiter.try_acquire(key, limit)
        if wait <= 0:
            return waited
        if waited + wait > max_wait:
            raise RateLimitTimeout(f"rate limit {key}: would wait more than {max_wait:.0f}s")
        sleep(wait)
        waited += wait


_default: RedisRateLimiter | LocalRateLimiter | None = None
_default_lock = threading.Lock()


def default_limiter():
    """Redis when ``REDIS_URL`` is set, else a per-process window."""
    global _default
    with _default_lock:
        if _default is None:
            from django.conf import settings

            if settings.REDIS_URL:
                import redis

                _default = RedisRateLimiter(redis.Redis.from_url(settings.REDIS_URL))
            else:
                _default = LocalRateLimiter()
        return _default
