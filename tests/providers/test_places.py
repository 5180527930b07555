"""Place names as members type them: accents, local and English names, the sync's text.

The matching here is the simplest search can do with ``search_text`` (every word of the
normalized query in it), so a place found here is found by any search built on it.
"""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from providers import services
from providers.models import Space
from providers.places import country_names, normalize, search_text, zone_city_names
from providers.vendors.workways.parsing import city_from, city_in_name
from tests.providers import factories
from tests.providers.conftest import portal_on_sandbox


def matches(query: str, text: str) -> bool:
    padded = f" {text} "
    return all(f" {word} " in padded for word in normalize(query).split())


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Bucureşti", "bucuresti"),  # s with a cedilla
        ("București", "bucuresti"),  # s with a comma below
        ("ZÜRICH", "zurich"),
        ("Cluj-Napoca", "cluj napoca"),
        ("Obere Donaustraße 95,", "obere donaustrasse 95"),
        ("  Łódź  ", "lodz"),
        ("", ""),
    ],
)
def test_normalize_drops_case_accents_and_punctuation(typed, stored):
    assert normalize(typed) == stored


def test_country_names_come_in_english_french_and_the_local_language():
    assert {"austria", "autriche", "osterreich"} <= country_names("AT")
    assert {"romania", "roumanie"} <= country_names("ro")
    assert {"ireland", "irlande", "eire"} <= country_names("IE")
    assert country_names("") == frozenset()
    assert country_names("??") == frozenset()


def test_a_time_zone_city_has_its_names_in_each_language():
    assert {"wien", "vienna", "vienne"} <= zone_city_names("Europe/Vienna")
    assert {"bucuresti", "bucharest", "bucarest"} <= zone_city_names("Europe/Bucharest")
    assert zone_city_names("UTC") == frozenset()


VIENNA = search_text(
    "4Spaces Donau", "Wien", "AT", "Obere Donaustraße 95", country_code="AT",
    timezone="Europe/Vienna",
)  # fmt: skip
BUCHAREST = search_text(
    "Thia Old Town", "Bucharest", "Romania", "Str. Lipscani 5", country_code="RO",
    timezone="Europe/Bucharest",
)  # fmt: skip
CLUJ = search_text(
    "Thia Cluj", "Cluj-Napoca", "Romania", "Str. Memorandumului 28", country_code="RO",
    timezone="Europe/Bucharest",
)  # fmt: skip


@pytest.mark.parametrize("query", ["Vienna", "Wien", "vienne", "Österreich", "austria"])
def test_vienna_is_found_by_its_local_english_and_french_names(query):
    assert matches(query, VIENNA)


@pytest.mark.parametrize("query", ["Bucarest", "Bucharest", "București", "Bucureşti", "Roumanie"])
def test_bucharest_is_found_whichever_name_or_accent_is_typed(query):
    assert matches(query, BUCHAREST)


def test_a_city_is_not_named_after_its_time_zone():
    # Cluj-Napoca is in Europe/Bucharest; a search for Bucharest must not find it
    assert not matches("Bucharest", CLUJ)
    assert matches("cluj", CLUJ) and matches("Kolozsvár", CLUJ) and matches("romania", CLUJ)
    assert not matches("Vienna", BUCHAREST)


def test_workways_reads_the_city_from_the_site_name_when_the_address_is_null():
    # doc: "publicAddress string | null ... or null if not set"
    assert city_from("", "France") == ""
    assert city_in_name("Workways Lyon Part-Dieu") == "Lyon"
    assert city_in_name("Dublin Coworking Center") == "Dublin"  # the document's example
    assert city_in_name("") == ""


@pytest.mark.django_db
def test_the_sync_writes_the_search_text_and_rewrites_it_when_it_changes():
    account = factories.account()
    data = factories.space("s1", city="Wien", country="Austria", country_code="AT")
    data.timezone = "Europe/Vienna"
    services.apply_catalogue(account, factories.catalogue(data))
    space = Space.objects.get(external_id="s1")
    assert matches("Vienna", space.search_text) and matches("space s1", space.search_text)

    data.city, data.country, data.country_code = "Bucureşti", "Romania", "RO"
    data.timezone = "Europe/Bucharest"
    counts = services.apply_catalogue(account, factories.catalogue(data))
    space.refresh_from_db()
    assert counts.updated == 1
    assert matches("Bucarest", space.search_text)
    assert not matches("Vienna", space.search_text)


@pytest.mark.django_db
def test_the_data_migration_fills_the_spaces_synced_before_search_text():
    account = factories.account()
    data = factories.space("s1", city="Wien", country="Austria", country_code="AT")
    data.timezone = "Europe/Vienna"
    services.apply_catalogue(account, factories.catalogue(data))
    Space.objects.update(search_text="")

    migration = importlib.import_module("providers.migrations.0004_fill_search_text")
    migration.fill(apps, None)

    assert matches("vienne", Space.objects.get().search_text)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "query", "city"),
    [
        ("thia", "Bucarest", "Bucharest"),
        ("thia", "bucuresti roumanie", "Bucharest"),
        ("thia", "Klausenburg", "Cluj-Napoca"),
        ("workways", "Lyon", "Lyon"),
        ("workways", "Bruxelles", "Ixelles"),
        ("workways", "Irlande", "Dublin"),
        ("zentry", "NYC", "New York"),
        ("fourspaces", "Vienna", "Wien"),
        ("fourspaces", "Österreich", "Wien"),
    ],
)
def test_every_sandbox_city_is_found_by_its_other_names(
    monkeypatch, sandbox_transport, sandbox_accounts, kind, query, city
):
    for cfg in sandbox_accounts[kind]:
        portal_on_sandbox(monkeypatch, sandbox_transport, cfg)
    found = {s.city for s in Space.objects.filter(active=True) if matches(query, s.search_text)}
    assert city in found


@pytest.mark.django_db
def test_workways_lyon_has_a_city_so_it_sorts_and_filters_with_the_others(
    monkeypatch, sandbox_transport, sandbox_accounts
):
    portal_on_sandbox(monkeypatch, sandbox_transport, sandbox_accounts["workways"][0])
    lyon = Space.objects.get(name="Workways Lyon Part-Dieu")
    assert (lyon.city, lyon.address) == ("Lyon", "")  # the seed's site has no address
    assert not Space.objects.filter(active=True, city="").exists()
