"""Benchmark: search by time window (``GET /api/search``) over a large indexed catalogue.

Builds a synthetic catalogue in PostgreSQL (started as the test suite starts it; the
embedded defaults when it is missing, and the run says so): 1 000 spaces in a dozen
cities and zones, 10 rooms and a day pass each, 30 days of indexed availability
(``bench/catalogue.py``). Runs typical searches on a real server against a minimal
Django view served by the same server in the same run (the floor), first at 1 000 rooms,
then at 10 000, and prints median and p95 as ratios to the floor's median, and how p95
grows from 1 000 to 10 000 rooms. Target (issue 12): p95 under 20x the floor at 10 000
rooms, growing less than linearly (under 10x for 10x the rooms).

Run: ``.venv/bin/python bench/bench_search.py`` (``--sizes 200,1000 --repeat 20`` for a
quick look; ``--persistent`` serves on one thread, keeping one database connection as a
gunicorn worker does, instead of a new connection per request). It also prints
PostgreSQL's plan of the index's typical query, to show which indexes serve it. After
each bulk load it vacuums the index table (as autovacuum would shortly after), so that
search's index-only scans are measured as they run on a table autovacuum keeps.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import pgserver

DATABASE = pgserver.use_postgres()  # before Django is set up

harness = importlib.import_module("bench.harness")  # sets up Django, after the database

import httpx
from django.db import connection

from bench import catalogue
from bookings.models import AvailabilityWindow


def next_thursday() -> dt.date:
    day = dt.date.today() + dt.timedelta(days=2)
    return day + dt.timedelta(days=(3 - day.weekday()) % 7)


def queries(day: dt.date) -> dict[str, dict[str, str]]:
    on = {"date": day.isoformat(), "limit": "20"}
    return {
        "Dublin, 14:00-16:00, 6 people": {
            **on,
            "city": "Dublin",
            "start": "14:00",
            "end": "16:00",
            "people": "6",
        },
        "q=Vienna, 60 minutes": {**on, "q": "Vienna", "minutes": "60"},
        "meeting room, projector, max 150": {
            **on,
            "kind": "meeting_room",
            "amenities": "projector",
            "max_total": "150",
            "start": "09:00",
            "end": "11:00",
        },
        "everywhere 14:00-16:00, 4 people, by total": {
            **on,
            "start": "14:00",
            "end": "16:00",
            "people": "4",
            "sort": "price",
        },
    }


def p95(samples: list[float]) -> float:
    return sorted(samples)[max(0, int(len(samples) * 0.95) - 1)]


def check(client: httpx.Client, url: str, params: dict[str, str]) -> tuple[bool, str]:
    answer = client.get(url, params=params)
    if answer.status_code != 200:
        json = answer.headers.get("content-type", "").startswith("application/json")
        return False, f"{answer.status_code} {answer.text[:200] if json else '(not JSON)'}"
    return True, f"count {answer.json()['count']}"


def measure(portal: str, day: dt.date, repeat: int) -> tuple[list[float], dict]:
    search_url, floor_url = f"{portal}/api/search", f"{portal}/bench/minimal"
    results: dict[str, tuple[list[float], str]] = {}
    # one connection per request, as bench_slots.py (keep-alive meets Nagle's algorithm)
    with httpx.Client(headers={"Connection": "close"}, timeout=60) as client:
        for _ in range(20):
            client.get(floor_url)
        floor = harness.timed(lambda: client.get(floor_url), repeat * 3)
        for name, params in queries(day).items():
            ok, note = check(client, search_url, params)
            if not ok and "sort" in params and "sort" in note:
                params = {k: v for k, v in params.items() if k != "sort"}  # not supported
                name += " (sort refused: unsorted)"
                ok, note = check(client, search_url, params)
            if not ok:
                results[name] = ([], f"GET /api/search answered {note}")
                continue
            for _ in range(3):
                client.get(search_url, params=params)
            samples = harness.timed(lambda p=params: client.get(search_url, params=p), repeat)
            results[name] = (samples, note)
    return floor, results


def explain(day: dt.date) -> list[str]:
    """Plans of the index's typical queries: free rows of a day containing a window, in
    one city, then everywhere (where each space's local window is a different instant)."""
    if connection.vendor != "postgresql":
        return ["(plans shown on PostgreSQL only)"]
    start = dt.datetime.combine(day, dt.time(14), dt.UTC)
    free = AvailabilityWindow.objects.filter(day=day, state="free", resource__capacity__gte=6)
    probes = {
        "one city": free.filter(
            space__city="Dublin", start__lte=start, end__gte=start + dt.timedelta(hours=2)
        ),
        "everywhere": free,
    }
    lines = []
    for name, rows in probes.items():
        plan = rows.explain(analyze=True)
        lines += [
            f"{name}: {line.strip()}"
            for line in plan.splitlines()
            if "Scan" in line or "Execution" in line
        ]
    return lines


def serve_persistent() -> str:
    """The portal on one thread, so its database connection lasts across requests (the
    portal's ``CONN_MAX_AGE`` is 60 s), as in a gunicorn worker; ``harness.serve_portal``
    runs each request on a new thread, hence on a new PostgreSQL connection."""
    import threading

    from django.core.management import call_command
    from django.core.servers.basehttp import WSGIServer
    from django.core.wsgi import get_wsgi_application

    call_command("migrate", verbosity=0, interactive=False)
    server = WSGIServer(("127.0.0.1", 0), harness.QuietHandler)
    server.set_app(get_wsgi_application())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="room counts, ascending")
    parser.add_argument("--repeat", type=int, default=60, help="requests per query and size")
    parser.add_argument(
        "--persistent",
        action="store_true",
        help="serve on one thread: one database connection for all requests (as gunicorn)",
    )
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    day = next_thursday()
    print(f"database: {DATABASE}")
    portal = serve_persistent() if args.persistent else harness.serve_portal()
    print("server: " + ("one thread, persistent connection" if args.persistent else "threaded"))
    built, table = 0, {}
    for rooms in sizes:
        spaces = rooms // catalogue.ROOMS_PER_SPACE
        started = time.perf_counter()
        rows = catalogue.build(built, spaces - built)
        built = spaces
        if connection.vendor == "postgresql":
            # a bulk load leaves the visibility map unset until autovacuum passes (within
            # a minute or so): vacuum now, so the index-only scans search relies on are
            # measured as they run on a table autovacuum keeps
            with connection.cursor() as cursor:
                cursor.execute("VACUUM (ANALYZE) bookings_availabilitywindow")
        total = AvailabilityWindow.objects.count()
        print(
            f"\n== {rooms} rooms, {spaces} spaces: +{rows} index rows in "
            f"{time.perf_counter() - started:.1f} s ({total} in all); searching {day}"
        )
        floor, results = measure(portal, day, args.repeat)
        base = statistics.median(floor)
        print(f"floor (minimal view): median {base * 1000:.2f} ms, p95 {p95(floor) * 1000:.2f} ms")
        print(f"{'query':52} {'median':>9} {'p95':>9} {'med/floor':>9} {'p95/floor':>9}  note")
        for name, (samples, note) in results.items():
            if not samples:
                print(f"{name:52} {'-':>9} {'-':>9} {'-':>9} {'-':>9}  {note}")
                continue
            median, high = statistics.median(samples), p95(samples)
            table[name, rooms] = high
            print(
                f"{name:52} {median * 1000:7.1f}ms {high * 1000:7.1f}ms "
                f"{median / base:8.1f}x {high / base:8.1f}x  {note}"
            )
        for line in explain(day):
            print(f"  plan, {line}")
    if len(sizes) > 1:
        small, large = sizes[0], sizes[-1]
        print(f"\ngrowth of p95 from {small} to {large} rooms ({large / small:.0f}x the rooms):")
        for name in queries(day):
            matching = [key for key in table if key[0].startswith(name)]
            before = [table[k] for k in matching if k[1] == small]
            after = [table[k] for k in matching if k[1] == large]
            if before and after:
                print(f"  {name:52} {after[0] / before[0]:.2f}x")
            else:
                print(f"  {name:52} -  (not measured)")
    if not table:
        print("\n/api/search did not answer: is issue 12's search merged?")
        sys.exit(1)


if __name__ == "__main__":
    main()
