"""Display prices: seeded rates, conversion and rounding, staff's admin, the member's pick."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from bookings import money
from bookings.models import ExchangeRate
from portal.models import User

pytestmark = pytest.mark.django_db

TABLE = {"EUR": Decimal(1), "RON": Decimal("5.0"), "USD": Decimal("1.16"), "JPY": Decimal(180)}


def test_the_migration_seeds_the_rates_with_eur_at_one():
    table = money.rates()
    assert {"EUR", "RON", "USD", "GBP", "CHF"} <= set(table)
    assert table["EUR"] == 1
    assert all(rate > 0 for rate in table.values())
    assert money.currencies()[:2] == ["CHF", "EUR"]


@pytest.mark.parametrize(
    ("amount", "currency", "display", "shown"),
    [
        (Decimal("100"), "RON", "EUR", Decimal("20.00")),
        (Decimal("0.125"), "EUR", "EUR", Decimal("0.13")),  # half up, to the cent
        (Decimal("10.005"), "RON", "EUR", Decimal("2.00")),  # 2.001
        (Decimal("20"), "EUR", "USD", Decimal("23.20")),
        (Decimal("20"), "usd", "ron", Decimal("86.21")),  # 86.2069
        (Decimal("10"), "EUR", "JPY", Decimal("1800")),  # yen have no minor unit
        (Decimal("10.01"), "USD", "JPY", Decimal("1553")),  # 1553.27
    ],
)
def test_to_display_converts_through_the_euro_and_rounds_half_up(amount, currency, display, shown):
    result = money.to_display(amount, currency, display, TABLE)
    assert result == shown
    assert result.as_tuple().exponent == shown.as_tuple().exponent


@pytest.mark.parametrize(
    ("amount", "currency", "display"),
    [(None, "EUR", "USD"), (Decimal(5), "", "USD"), (Decimal(5), "EUR", "XYZ")],
)
def test_no_amount_or_no_rate_is_none_never_a_guess(amount, currency, display):
    assert money.to_display(amount, currency, display, TABLE) is None


def test_to_display_reads_staffs_rates_when_no_table_is_given():
    ExchangeRate.objects.filter(currency="RON").update(per_euro=Decimal("4"))
    assert money.to_display(Decimal(10), "RON", "EUR") == Decimal("2.50")


@pytest.fixture
def staff_client(client):
    client.force_login(User.objects.create_superuser(email="ops@example.com", password="x-ops-9"))
    return client


def test_staff_list_and_edit_rates_and_the_admin_log_says_who(staff_client):
    listing = staff_client.get(reverse("admin:bookings_exchangerate_changelist"))
    assert listing.status_code == 200
    assert "RON" in listing.content.decode()

    usd = ExchangeRate.objects.get(currency="USD")
    url = reverse("admin:bookings_exchangerate_change", args=[usd.pk])
    response = staff_client.post(url, {"currency": "usd", "per_euro": "1.2"})
    assert response.status_code == 302
    usd.refresh_from_db()
    assert usd.per_euro == Decimal("1.2")
    entry = LogEntry.objects.get(object_id=str(usd.pk))
    assert entry.user.email == "ops@example.com"
    assert "ops@example.com" in staff_client.get(url).content.decode()


@pytest.mark.parametrize(
    ("currency", "rate", "message"),
    [
        ("USD", "0", "more than zero"),
        ("EUR", "1.1", "the rate of EUR is 1"),
        ("US1", "1.1", "three-letter"),
    ],
)
def test_a_nonsense_rate_is_refused_with_a_message(staff_client, currency, rate, message):
    row = ExchangeRate.objects.get(currency=currency if currency != "US1" else "USD")
    before = row.per_euro
    url = reverse("admin:bookings_exchangerate_change", args=[row.pk])
    response = staff_client.post(url, {"currency": currency, "per_euro": rate})
    assert response.status_code == 200  # the form again, with the error
    assert message in response.content.decode()
    row.refresh_from_db()
    assert row.per_euro == before


def test_the_list_edit_checks_rates_as_the_change_page_does(staff_client):
    rows = list(ExchangeRate.objects.order_by("currency"))
    data = {
        "form-TOTAL_FORMS": str(len(rows)),
        "form-INITIAL_FORMS": str(len(rows)),
        "_save": "Save",
    }
    for i, row in enumerate(rows):
        data[f"form-{i}-id"] = str(row.pk)
        data[f"form-{i}-per_euro"] = "2" if row.currency == "EUR" else str(row.per_euro)
    staff_client.post(reverse("admin:bookings_exchangerate_changelist"), data)
    assert ExchangeRate.objects.get(currency="EUR").per_euro == 1


@pytest.fixture
def member(client):
    user = User.objects.create_user(
        email="ada@example.com", password="correct horse 42", first_name="Ada", last_name="L"
    )
    client.force_login(user)
    return user


def profile(**changes) -> dict:
    data = {
        "first_name": "Ada",
        "last_name": "L",
        "phone": "+44 20 7946 0958",
        "company": "",
        "language": "en",
        "timezone": "Europe/London",
        "display_currency": "RON",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_a_member_picks_a_display_currency_among_those_with_a_rate(client, member):
    page = client.get(reverse("profile")).content.decode()
    assert 'name="display_currency"' in page and '<option value="RON"' in page
    assert client.post(reverse("profile"), profile()).status_code == 302
    member.refresh_from_db()
    assert member.display_currency == "RON"


def test_a_currency_without_a_rate_is_refused(client, member):
    response = client.post(reverse("profile"), profile(display_currency="XYZ"))
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    member.refresh_from_db()
    assert member.display_currency == "EUR"


def test_a_form_without_the_field_keeps_the_members_currency(client, member):
    member.display_currency = "USD"
    member.save()
    assert client.post(reverse("profile"), profile(display_currency=None)).status_code == 302
    member.refresh_from_db()
    assert member.display_currency == "USD"


def test_rates_are_read_once_and_a_staff_change_shows_at_once(django_assert_num_queries):
    money.rates()
    with django_assert_num_queries(0):
        first = money.rates()
    rate = ExchangeRate.objects.get(currency="USD")
    rate.per_euro = first["USD"] + 1
    rate.save()
    assert money.rates()["USD"] == first["USD"] + 1
    ExchangeRate.objects.filter(currency="USD").delete()
    assert "USD" not in money.rates()
    ExchangeRate.objects.create(currency="USD", per_euro=Decimal("1.5"))
    assert money.rates()["USD"] == Decimal("1.5")
