"""A synthetic catalogue with its availability index, for the search benchmark.

``build(first_space, spaces)`` adds ``spaces`` spaces (10 rooms and one day pass each)
spread over a dozen cities and time zones and four providers, and ``DAYS`` days of
indexed availability (``bookings.AvailabilityWindow``): each room-day is its opening
hours in the space's zone minus 0-3 busy blocks (so free intervals with gaps), about 2%
of room-days unknown (a provider that could not answer), one provider unknown on the
last days, passes with the places left per day. Deterministic (seeded by space number),
so 1 000 rooms then 9 000 more give the same first 1 000 as a fresh 1 000. Rows go in
with PostgreSQL's COPY, or ``bulk_create`` on SQLite.
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from bookings.models import AvailabilityWindow
from providers import places
from providers.models import Amenity, Offer, ProviderAccount, Resource, Space

DAYS = 30
ROOMS_PER_SPACE = 10
KINDS = ("thia", "workways", "zentry", "fourspaces")
UNKNOWN_SHARE = 0.02
AMENITIES = [
    ("wi-fi", "Wi-Fi"),
    ("coffee", "Coffee"),
    ("printer", "Printer"),
    ("projector", "Projector"),
    ("screen", "Screen"),
    ("whiteboard", "Whiteboard"),
    ("video-conferencing", "Video conferencing"),
    ("parking", "Parking"),
    ("accessible", "Accessible"),
    ("kitchen", "Kitchen"),
]


@dataclass(frozen=True)
class City:
    name: str  # as the data spells it (local names where providers use them)
    country: str
    code: str
    zone: str
    currency: str
    lat: float
    lon: float


CITIES = [
    City("Dublin", "Ireland", "IE", "Europe/Dublin", "EUR", 53.35, -6.26),
    City("Bucureşti", "Romania", "RO", "Europe/Bucharest", "RON", 44.43, 26.10),
    City("Wien", "Österreich", "AT", "Europe/Vienna", "EUR", 48.21, 16.37),
    City("Lyon", "France", "FR", "Europe/Paris", "EUR", 45.76, 4.84),
    City("Paris", "France", "FR", "Europe/Paris", "EUR", 48.86, 2.35),
    City("Bruxelles", "Belgique", "BE", "Europe/Brussels", "EUR", 50.85, 4.35),
    City("New York", "United States", "US", "America/New_York", "USD", 40.71, -74.01),
    City("San Francisco", "United States", "US", "America/Los_Angeles", "USD", 37.77, -122.42),
    City("Berlin", "Germany", "DE", "Europe/Berlin", "EUR", 52.52, 13.40),
    City("Lisboa", "Portugal", "PT", "Europe/Lisbon", "EUR", 38.72, -9.14),
    City("London", "United Kingdom", "GB", "Europe/London", "GBP", 51.51, -0.13),
    City("Athína", "Greece", "GR", "Europe/Athens", "EUR", 37.98, 23.73),
]
ROOM_KINDS = ["meeting_room"] * 7 + ["desk", "desk", "office"]
CAPACITIES = [2, 4, 6, 6, 8, 10, 12, 20]
WINDOW_FIELDS = [
    "resource_id",
    "offer_id",
    "space_id",
    "day",
    "start",
    "end",
    "timezone",
    "state",
    "places_left",
    "fetched_at",
    "source",
]


def accounts() -> dict[str, ProviderAccount]:
    """One account per provider (never asked: the index is all search reads)."""
    return {
        kind: ProviderAccount.objects.get_or_create(
            name=f"bench {kind}", defaults={"kind": kind, "health": "ok"}
        )[0]
        for kind in KINDS
    }


def amenities() -> list[Amenity]:
    return [Amenity.objects.get_or_create(slug=s, defaults={"name": n})[0] for s, n in AMENITIES]


def first_days() -> list[dt.date]:
    today = timezone.now().date()
    return [today + dt.timedelta(days=offset) for offset in range(DAYS)]


def build(first_space: int, spaces: int) -> int:
    """Adds spaces ``first_space`` .. ``first_space + spaces - 1``; returns index rows."""
    by_kind = accounts()
    vocabulary = amenities()
    rows = 0
    for start in range(first_space, first_space + spaces, 100):  # in chunks of 100 spaces
        count = min(100, first_space + spaces - start)
        made = _spaces(by_kind, vocabulary, start, count)
        rows += _insert(list(_windows(made)))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
    return rows


def _spaces(by_kind, vocabulary, start: int, count: int) -> list[Space]:
    made = []
    for number in range(start, start + count):
        rng = random.Random(number)
        city = CITIES[number % len(CITIES)]
        kind = KINDS[number % len(KINDS)]
        name = f"{rng.choice(['Hub', 'Works', 'Loft', 'Campus', 'Studio'])} {number}"
        address = f"{number} {rng.choice(['Main', 'Station', 'Harbour', 'Park'])} Street"
        made.append(
            Space(
                account=by_kind[kind],
                external_id=f"bench-{number}",
                name=name,
                address=address,
                city=city.name,
                country=city.country,
                country_code=city.code,
                latitude=Decimal(f"{city.lat + rng.uniform(-0.05, 0.05):.6f}"),
                longitude=Decimal(f"{city.lon + rng.uniform(-0.05, 0.05):.6f}"),
                timezone=city.zone,
                opening_hours=[
                    {"weekday": d, "opens": "08:00", "closes": "20:00"} for d in range(5)
                ],
                search_text=places.search_text(name, city.name, city.country, address),
                fingerprint="bench",
            )
        )
    made = Space.objects.bulk_create(made)
    links = []
    for space in made:
        rng = random.Random(space.external_id)
        links += [
            Space.amenities.through(space_id=space.pk, amenity_id=a.pk)
            for a in rng.sample(vocabulary, 5)
        ]
    Space.amenities.through.objects.bulk_create(links)
    rooms, passes = [], []
    for space in made:
        rng = random.Random(f"rooms-{space.external_id}")
        currency = CITIES[int(space.external_id.split("-")[1]) % len(CITIES)].currency
        for index, kind in enumerate(ROOM_KINDS[:ROOMS_PER_SPACE]):
            capacity = 1 if kind == "desk" else rng.choice(CAPACITIES)
            rooms.append(
                Resource(
                    space=space,
                    external_id=f"{space.external_id}-r{index}",
                    name=f"Room {index} ({capacity} people)",
                    kind=kind,
                    capacity=capacity,
                    quantity=2 if space.account.kind == "zentry" and index == 0 else 1,
                    rules={"step_minutes": 30, "min_minutes": 60, "max_minutes": 480},
                    price_hour=Decimal(5 * capacity + rng.randint(0, 30)),
                    currency=currency,
                    fingerprint="bench",
                )
            )
        passes.append(
            Offer(
                space=space,
                external_id=f"{space.external_id}-pass",
                name="Day pass",
                kind="day_pass",
                price=Decimal(rng.randint(15, 45)),
                currency=currency,
                price_unit="day",
                capacity=20,
                fingerprint="bench",
            )
        )
    Resource.objects.bulk_create(rooms)
    Offer.objects.bulk_create(passes)
    return made


def _local(day: dt.date, hour: float, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    minutes = round(hour * 60)
    local = dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60), zone)
    return local.astimezone(dt.UTC)


def _windows(made: list[Space]):
    now = timezone.now()
    days = first_days()
    ids = [s.pk for s in made]
    for room in Resource.objects.filter(space_id__in=ids).select_related("space__account"):
        space = room.space
        zone = zoneinfo.ZoneInfo(space.timezone)
        rng = random.Random(room.external_id)
        provider = space.account.kind
        for offset, day in enumerate(days):
            weekday = day.weekday()
            if weekday == 6:
                continue  # closed on Sundays: no rows
            opens, closes = (10.0, 16.0) if weekday == 5 else (8.0, 20.0)
            fetched = now - dt.timedelta(seconds=rng.randint(0, 900))
            base = (room.pk, None, space.pk, day)
            if rng.random() < UNKNOWN_SHARE or (provider == "zentry" and offset >= DAYS - 3):
                yield (
                    *base,
                    _local(day, opens, zone),
                    _local(day, closes, zone),
                    space.timezone,
                    "unknown",
                    None,
                    fetched,
                    f"{provider}:error",
                )
                continue
            busy = sorted(
                (start, start + rng.choice([1.0, 1.5, 2.0, 3.0]))
                for start in (
                    opens + rng.randrange(int((closes - opens) * 2)) / 2
                    for _ in range(rng.randint(0, 3))
                )
            )
            cursor = opens
            for busy_start, busy_end in [*busy, (closes, closes)]:
                if busy_start - cursor >= 0.5:
                    yield (
                        *base,
                        _local(day, cursor, zone),
                        _local(day, min(busy_start, closes), zone),
                        space.timezone,
                        "free",
                        room.quantity if room.quantity > 1 else None,
                        fetched,
                        f"{provider}:slots",
                    )
                cursor = max(cursor, min(busy_end, closes))
    for offer in Offer.objects.filter(space_id__in=ids).select_related("space"):
        zone = zoneinfo.ZoneInfo(offer.space.timezone)
        rng = random.Random(offer.external_id)
        for day in days:
            places_left = rng.randint(0, 20)
            if day.weekday() >= 5 or not places_left:
                continue
            start = dt.datetime.combine(day, dt.time(0), zone)
            yield (
                None,
                offer.pk,
                offer.space_id,
                day,
                start.astimezone(dt.UTC),
                (start + dt.timedelta(days=1)).astimezone(dt.UTC),
                offer.space.timezone,
                "free",
                places_left,
                now - dt.timedelta(seconds=rng.randint(0, 900)),
                "bench:passes",
            )


def _insert(rows: list[tuple]) -> int:
    if connection.vendor == "postgresql":
        columns = ", ".join(f'"{name}"' for name in WINDOW_FIELDS)
        connection.ensure_connection()
        raw = connection.connection
        with raw.cursor() as cursor:
            copy_sql = f"COPY {AvailabilityWindow._meta.db_table} ({columns}) FROM STDIN"
            with cursor.copy(copy_sql) as copy:
                for row in rows:
                    copy.write_row(row)
        raw.commit()
    else:
        AvailabilityWindow.objects.bulk_create(
            [AvailabilityWindow(**dict(zip(WINDOW_FIELDS, row, strict=True))) for row in rows],
            batch_size=1000,
        )
    return len(rows)
