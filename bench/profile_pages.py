"""Profile warm pages in process, in the setting of ``bench/bench_pages.py``.

Same stack and data (PostgreSQL and Redis from the installed binaries, the sandbox as the
providers, a member with 20 bookings), but each page is requested through Django's test
client: the median time per request, the SQL statements of one warm request, and
cProfile's costliest functions.

Run: ``.venv/bin/python bench/profile_pages.py --only week`` (``--top 0`` for timings only).
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", help="pages whose label contains this")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--top", type=int, default=25, help="functions shown per page")
    parser.add_argument("--sql", action="store_true", help="print each statement")
    parser.add_argument("--sort", default="cumulative", help="cProfile sort key")
    parser.add_argument("--match", default="", help="only functions whose path matches")
    args = parser.parse_args()

    from bench.bench_pages import set_up, use_services

    for line in use_services():
        print(line)
    _, cookie, pages, _ = set_up()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    session = dict(part.split("=", 1) for part in cookie.split("; "))
    # the floor first: the minimal view the load bench compares every page with
    for label, path, with_cookie in [("floor: minimal view", "/bench/minimal", False), *pages]:
        if args.only and not any(word in label for word in args.only):
            continue
        client = Client(SERVER_NAME="127.0.0.1")
        if with_cookie:
            for key, value in session.items():
                client.cookies[key] = value
        for _ in range(5):
            answer = client.get(path)
            time.sleep(0.2)
        samples = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            client.get(path)
            samples.append(time.perf_counter() - started)
        with CaptureQueriesContext(connection) as captured:
            client.get(path)
        sql_time = sum(float(q["time"]) for q in captured.captured_queries)
        print(
            f"\n== {label} {path}: {answer.status_code}, median "
            f"{statistics.median(samples) * 1000:.2f} ms, {len(captured)} statements "
            f"({sql_time * 1000:.1f} ms)"
        )
        if args.sql:
            for q in captured.captured_queries:
                print(f"  [{float(q['time']) * 1000:.1f} ms] {q['sql'][:160]}")
        if args.top:
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(10):
                client.get(path)
            profile.disable()
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats(args.sort).print_stats(
                *([args.match] if args.match else []), args.top
            )
            print(out.getvalue())


if __name__ == "__main__":
    main()
