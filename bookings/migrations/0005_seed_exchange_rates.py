"""Seed the exchange rates prices are shown at in a member's display currency.

Approximate rates of 2025-11-28 (the ECB's euro reference rates of that day, rounded):
shown only next to the provider's own price and marked approximate, never charged. Staff
update them in the admin (Bookings > Exchange rates); rows that already exist are kept.
"""

from decimal import Decimal

from django.db import migrations

PER_EURO = {
    "EUR": Decimal("1"),
    "RON": Decimal("5.09"),
    "USD": Decimal("1.16"),
    "GBP": Decimal("0.88"),
    "CHF": Decimal("0.93"),
}


def seed(apps, schema_editor):
    ExchangeRate = apps.get_model("bookings", "ExchangeRate")
    for currency, per_euro in PER_EURO.items():
        ExchangeRate.objects.get_or_create(currency=currency, defaults={"per_euro": per_euro})


def unseed(apps, schema_editor):
    ExchangeRate = apps.get_model("bookings", "ExchangeRate")
    ExchangeRate.objects.filter(currency__in=PER_EURO).delete()


class Migration(migrations.Migration):
    dependencies = [("bookings", "0004_search_index")]

    operations = [migrations.RunPython(seed, unseed)]
