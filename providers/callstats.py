"""Per-account counts of provider calls, by minute, for the staff's provider health.

Every HTTP call an adapter makes is counted where it is logged (``ProviderAdapter._log``):
calls, errors (timeouts, unreachable, HTTP 5xx and 4xx) and 429s, in the shared cache
under one key per account id (a renamed account keeps its hour), minute and count, kept
two hours. Reading the last hour is 60 keys a count in one ``get_many``. A cache that is
down counts nothing: the numbers are a guide for staff, never a reason for a call to fail.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from providers.cache import cache

KEEP_SECONDS = 2 * 60 * 60
COUNTS = ("calls", "errors", "429")


def _key(account: int, minute: int, count: str) -> str:
    return f"callstats:{account}:{minute}:{count}"


def record(account: int, status: object, *, now: float | None = None) -> None:
    """Count one call of the account with id ``account`` that ended with ``status`` (an
    HTTP status, or a word such as "timeout" when no answer came)."""
    minute = int((time.time() if now is None else now) // 60)
    cache.incr(_key(account, minute, "calls"), KEEP_SECONDS)
    failed = not isinstance(status, int) or status >= 400
    if failed:
        cache.incr(_key(account, minute, "errors"), KEEP_SECONDS)
    if status == 429:
        cache.incr(_key(account, minute, "429"), KEEP_SECONDS)


@dataclass(frozen=True)
class Counts:
    calls: int
    errors: int
    rate_limited: int  # answers 429
    last_minute_calls: int  # for the rate-limit budget

    @property
    def error_rate(self) -> float | None:
        """Share of calls that failed, 0..1; None without calls."""
        return self.errors / self.calls if self.calls else None


def last_hour(account: int, *, now: float | None = None) -> Counts:
    """The counts of the account with id ``account`` over the last 60 minutes (this
    minute included)."""
    current = int((time.time() if now is None else now) // 60)
    minutes = range(current - 59, current + 1)
    keys = [_key(account, m, c) for m in minutes for c in COUNTS]
    found = cache.get_many(keys) or {}

    def total(count: str, since: int = current - 59) -> int:
        return sum(int(found.get(_key(account, m, count)) or 0) for m in minutes if m >= since)

    return Counts(
        calls=total("calls"),
        errors=total("errors"),
        rate_limited=total("429"),
        last_minute_calls=total("calls", since=current),
    )
