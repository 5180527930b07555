"""Prices in a member's display currency, at staff's rates (approximate, never charged).

Staff keep one ``ExchangeRate`` per currency (units per euro) in the admin; a migration
seeds approximate rates. A converted amount is rounded half up to the display currency's
minor unit (ISO 4217, from Babel's CLDR data: 2 for EUR, RON, USD, GBP, CHF; 0 for JPY),
and so is an amount shown unconverted. Search marks converted totals as approximate.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import get_currency_precision

from bookings.models import ExchangeRate
from providers.cache import kept_under_token, replace_tokens

CENT = Decimal("0.01")


def minor_unit(currency: str) -> Decimal:
    """The smallest amount of ``currency`` shown: 0.01 for most, 1 for JPY."""
    return Decimal(1).scaleb(-get_currency_precision(currency.upper()))


def rounded(amount: Decimal, currency: str) -> Decimal:
    return amount.quantize(minor_unit(currency), rounding=ROUND_HALF_UP)


RATES_KEY, RATES_TOKEN_KEY = "money:rates", "money:rates:token"
RATES_KEEP_SECONDS = 24 * 3600


def rates() -> dict[str, Decimal]:
    """Units of each currency per euro, EUR included (1 unless staff say otherwise).

    Kept in the cache under a token that every save or delete of a rate replaces, at once
    and again on commit (``rates_changed``): a search read the table twice a request."""

    def table() -> dict[str, Decimal]:
        found = {rate.currency: rate.per_euro for rate in ExchangeRate.objects.all()}
        found.setdefault("EUR", Decimal(1))
        return found

    return dict(kept_under_token(RATES_TOKEN_KEY, RATES_KEY, table, RATES_KEEP_SECONDS)[1])


def rates_changed(**kwargs) -> None:
    """A rate was saved or deleted (signals, ``BookingsConfig.ready``)."""
    replace_tokens([RATES_TOKEN_KEY], RATES_KEEP_SECONDS)


def currencies() -> list[str]:
    """The currencies a member may see prices in: those with a rate."""
    return sorted(rates())


def to_display(
    amount: Decimal | None, currency: str, display: str, table: dict[str, Decimal] | None = None
) -> Decimal | None:
    """``amount`` in ``currency`` converted to ``display`` and rounded to its minor unit;
    None when there is no amount or a rate is missing (never a guess)."""
    if amount is None or not currency or not display:
        return None
    currency, display = currency.upper(), display.upper()
    if currency == display:
        return rounded(amount, display)
    table = rates() if table is None else table
    source, target = table.get(currency), table.get(display)
    if not source or not target or source <= 0 or target <= 0:
        return None
    return rounded(amount / source * target, display)
