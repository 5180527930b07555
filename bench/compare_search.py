"""Check that search's PostgreSQL statement and its ORM path agree (same page, count and
providers) on the benchmark's catalogue: ``DATABASE_URL=... python bench/compare_search.py``.
"""

from __future__ import annotations

import datetime as dt
import importlib
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import pgserver

DATABASE = pgserver.use_postgres()
harness = importlib.import_module("bench.harness")

from bench.bench_search import next_thursday
from bookings import money, search


def cases(day: dt.date) -> list[search.SearchQuery]:
    t = dt.time
    return [
        search.SearchQuery(day, city="Dublin", start=t(14), end=t(16), people=6),
        search.SearchQuery(day, q="Vienna", minutes=60),
        search.SearchQuery(
            day,
            kind="meeting_room",
            amenities=["projector"],
            max_total=Decimal(150),
            start=t(9),
            end=t(11),
        ),
        search.SearchQuery(day, start=t(14), end=t(16), people=4, sort="price"),
        search.SearchQuery(day, start=t(14), end=t(16), people=4, sort="price", currency="GBP"),
        search.SearchQuery(day, start=t(7), end=t(8), limit=50, offset=40),
        search.SearchQuery(day, kind="day_pass", people=2),
        search.SearchQuery(day, kind="day_pass", limit=30),
        search.SearchQuery(day, start=t(12), minutes=30, sort="distance", near=(48.2, 16.37)),
        search.SearchQuery(day, max_total=Decimal(40), start=t(10), end=t(12), currency="USD"),
        search.SearchQuery(day + dt.timedelta(days=27), start=t(18), end=t(20), provider="thia"),
    ]


def main() -> None:
    table = money.rates()
    bad = 0
    for query in cases(next_thursday()):
        spaces = search.matching_spaces(query)
        orm_page, orm_providers, orm_count, _ = search._orm_search(query, spaces, table)
        page, counted, health, count = search._pg_search(query, spaces, table)
        providers = search._statuses(counted, spaces, health)
        keys = ("pk", "fit", "length", "gap", "unknown", "start", "end")
        same = (
            count == orm_count
            and [[r[k] for k in keys] for r in page]
            == [[r[k] for k in keys] for r in (orm_page if orm_count else [])]
            and providers == orm_providers
        )
        bad += not same
        print(f"{'same' if same else 'DIFFERENT'}: count {count}/{orm_count} {query}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
