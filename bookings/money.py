"""Prices in a member's display currency, at staff's rates (approximate, never charged)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from bookings.models import ExchangeRate

CENT = Decimal("0.01")


def rates() -> dict[str, Decimal]:
    """Units of each currency per euro, EUR included."""
    table = {rate.currency: rate.per_euro for rate in ExchangeRate.objects.all()}
    table.setdefault("EUR", Decimal(1))
    return table


def to_display(
    amount: Decimal | None, currency: str, display: str, table: dict[str, Decimal] | None = None
) -> Decimal | None:
    """``amount`` in ``currency`` converted to ``display``; None when a rate is missing."""
    if amount is None or not currency:
        return None
    if currency == display:
        return amount
    table = rates() if table is None else table
    source, target = table.get(currency), table.get(display)
    if not source or not target:
        return None
    return (amount / source * target).quantize(CENT, rounding=ROUND_HALF_UP)
