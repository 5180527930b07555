"""Benchmark: the slot endpoint, warm and cold.

1. Warm: ``GET /api/resources/<id>/slots`` with the answer cached, against a minimal
   Django view served by the same server in the same run. Reported as a ratio.
2. Cold: 50 concurrent requests for one (resource, day) with nothing cached. Reported as
   the number of upstream calls the provider received (single flight: 1).

Run: ``.venv/bin/python bench/bench_slots.py`` (set REDIS_URL to measure with Redis).
"""

from __future__ import annotations

import datetime as dt
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
from django.core.cache import cache

from bench import harness  # sets up Django first
from providers.models import Resource

REPEAT = 300


def main() -> None:
    portal = harness.serve_portal()
    sandbox, counting, sandbox_url = harness.serve_sandbox()
    harness.load_catalogue(sandbox, sandbox_url)
    room = Resource.objects.filter(space__account__kind="thia", kind="meeting_room").first()
    day = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    slots_url = f"{portal}/api/resources/{room.pk}/slots?date={day}"
    minimal_url = f"{portal}/bench/minimal"

    # one connection per request: Django's development-grade server and keep-alive meet
    # Nagle's algorithm (a flat ~40 ms stall) that would hide the difference measured here
    with httpx.Client(headers={"Connection": "close"}) as client:
        first = client.get(slots_url).json()
        assert first["status"] == "known", first
        for url in (minimal_url, slots_url):  # warm up both
            for _ in range(20):
                client.get(url)
        minimal = harness.timed(lambda: client.get(minimal_url), REPEAT)
        warm = harness.timed(lambda: client.get(slots_url), REPEAT)
    ratio = sorted(warm)[len(warm) // 2] / sorted(minimal)[len(minimal) // 2]

    cache.clear()
    before = counting.count("meeting-room-availability")
    barrier = threading.Barrier(50)
    sources = []

    def cold():
        with httpx.Client(timeout=30) as client:
            barrier.wait()
            sources.append(client.get(slots_url).json()["source"])

    threads = [threading.Thread(target=cold) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    upstream = counting.count("meeting-room-availability") - before

    print(f"cache backend: {cache.__class__.__name__}")
    print(f"minimal view     : {harness.summary(minimal)}")
    print(f"warm slots (Thia): {harness.summary(warm)}")
    print(f"warm slot endpoint / minimal view (median): {ratio:.2f}x")
    print(
        f"50 concurrent cold requests -> {upstream} upstream call(s); sources: "
        f"{sources.count('live')} live, {sources.count('cached')} cached"
    )


if __name__ == "__main__":
    main()
