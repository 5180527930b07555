"""Profile one search request in the benchmark's setting (``bench/bench_search.py``).

Builds the same synthetic catalogue in a throw-away PostgreSQL, then, for each of the
benchmark's queries, calls ``GET /api/search`` in process (Django's test client): the
time per call, the SQL statements it runs (count and database time), and cProfile's
costliest functions.

Run: ``.venv/bin/python bench/profile_search.py`` (``--rooms 1000`` for a quick look,
``--sql`` to print the statements, ``--top 0`` for timings only). With ``DATABASE_URL``
set, a catalogue already there is reused (and grown to ``--rooms``).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import pgserver

DATABASE = pgserver.use_postgres()  # before Django is set up

import importlib

harness = importlib.import_module("bench.harness")  # sets up Django, after the database

from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench import catalogue
from bench.bench_search import next_thursday, queries
from providers.models import Space


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rooms", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--top", type=int, default=25, help="functions shown per query")
    parser.add_argument("--sql", action="store_true", help="print each statement")
    args = parser.parse_args()
    print(f"database: {DATABASE}")
    call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    have = Space.objects.filter(external_id__startswith="bench-").count()
    rows = catalogue.build(have, max(0, args.rooms // catalogue.ROOMS_PER_SPACE - have))
    print(f"{args.rooms} rooms, +{rows} index rows in {time.perf_counter() - started:.1f} s")
    client = Client(SERVER_NAME="127.0.0.1")
    for name, params in queries(next_thursday()).items():
        answer = client.get("/api/search", params)
        assert answer.status_code == 200, answer.content[:300]
        for _ in range(3):
            client.get("/api/search", params)
        samples = harness.timed(lambda p=params: client.get("/api/search", p), args.repeat)
        with CaptureQueriesContext(connection) as captured:
            client.get("/api/search", params)
        sql_time = sum(float(q["time"]) for q in captured.captured_queries)
        print(
            f"\n== {name}: count {answer.json()['count']}, median "
            f"{statistics.median(samples) * 1000:.1f} ms, {len(captured)} statements "
            f"({sql_time * 1000:.1f} ms as the client sees them)"
        )
        if args.sql:
            for q in captured.captured_queries:
                print(f"  [{float(q['time']) * 1000:.1f} ms] {q['sql'][:140]}")
        if args.top:
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(5):
                client.get("/api/search", params)
            profile.disable()
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(args.top)
            print(out.getvalue())


if __name__ == "__main__":
    main()
