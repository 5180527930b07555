"""How each provider account is doing: its syncs, and its calls over the last hour."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from providers import callstats
from providers.models import Health, ProviderAccount, SyncRun

DEGRADED_RETRY = dt.timedelta(minutes=5)  # as ProviderAccount.sync_due


@dataclass(frozen=True)
class AccountHealth:
    account: ProviderAccount
    last_sync: SyncRun | None
    next_sync: dt.datetime | None  # None: not scheduled (disabled)
    counts: callstats.Counts
    budget_used: float | None  # share of the documented rate limit used this minute
    last_error: str  # in words, "" when none

    @property
    def error_percent(self) -> int | None:
        rate = self.counts.error_rate
        return None if rate is None else round(rate * 100)

    @property
    def budget_percent(self) -> int | None:
        return None if self.budget_used is None else round(self.budget_used * 100)


def _next_sync(account: ProviderAccount, now: dt.datetime) -> dt.datetime | None:
    if not account.enabled:
        return None
    if account.last_sync_at is None:
        return now  # at beat's next tick
    interval = dt.timedelta(minutes=account.sync_interval)
    if account.health == Health.DEGRADED:
        interval = min(interval, DEGRADED_RETRY)
    return account.last_sync_at + interval


def _budget(account: ProviderAccount, counts: callstats.Counts) -> float | None:
    limit = account.spec.rate_limit if account.kind else None
    if limit is None or limit.requests <= 0:
        return None
    per_minute = limit.requests * 60 / limit.seconds
    return counts.last_minute_calls / per_minute


def _last_error(account: ProviderAccount, last_sync: SyncRun | None) -> str:
    if account.health_detail:
        return account.health_detail
    if last_sync is not None and last_sync.errors:
        return str(last_sync.errors[0])
    return ""


def accounts(now: dt.datetime) -> list[AccountHealth]:
    """Every provider account, enabled first, with its health."""
    rows = []
    for account in ProviderAccount.objects.order_by("-enabled", "kind", "name"):
        last_sync = account.sync_runs.order_by("-created_at").first()
        counts = callstats.last_hour(account.pk, now=now.timestamp())
        try:
            budget = _budget(account, counts)
        except KeyError:  # a kind no longer in the registry
            budget = None
        rows.append(
            AccountHealth(
                account=account,
                last_sync=last_sync,
                next_sync=_next_sync(account, now),
                counts=counts,
                budget_used=budget,
                last_error=_last_error(account, last_sync),
            )
        )
    return rows
