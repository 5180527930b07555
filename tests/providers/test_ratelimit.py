"""The shared rate limit: four worker processes together never exceed a key's limit."""

from __future__ import annotations

import multiprocessing
import os
import time

import pytest
import redis as redis_lib

from providers.ratelimit import Limit, LocalRateLimiter, RedisRateLimiter, acquire

LIMIT = Limit(10, 1.0)  # 10 per second: the same window logic as Thia's 60 per minute


def _worker(url: str, key: str, calls: int, results) -> None:
    limiter = RedisRateLimiter(redis_lib.Redis.from_url(url))
    for _ in range(calls):
        acquire(limiter, key, LIMIT, max_wait=30)
        results.append(time.time())


@pytest.mark.redis
@pytest.mark.slow
def test_four_processes_share_one_limit_through_redis():
    url = os.environ["REDIS_URL"]
    key = f"test:{os.getpid()}:{time.time()}"
    with multiprocessing.Manager() as manager:
        results = manager.list()
        procs = [
            multiprocessing.get_context("spawn").Process(
                target=_worker, args=(url, key, 8, results)
            )
            for _ in range(4)
        ]
        for proc in procs:
            proc.start()
        for proc in procs:
            proc.join(60)
            assert proc.exitcode == 0
        stamps = sorted(results)
    assert len(stamps) == 32
    # in every window of one second there are at most 10 calls (small slack for clocks)
    for i, start in enumerate(stamps):
        in_window = [s for s in stamps[i:] if s < start + LIMIT.seconds - 0.02]
        assert len(in_window) <= LIMIT.requests, f"{len(in_window)} calls within one second"
    # and they did not just run one after another: 32 calls need at least 3 windows
    assert stamps[-1] - stamps[0] >= 2.0


def test_local_window_allows_the_limit_then_asks_to_wait():
    now = [100.0]
    limiter = LocalRateLimiter(clock=lambda: now[0])
    assert [limiter.try_acquire("k", Limit(3, 60)) for _ in range(3)] == [0, 0, 0]
    assert limiter.try_acquire("k", Limit(3, 60)) == pytest.approx(60)
    now[0] += 60
    assert limiter.try_acquire("k", Limit(3, 60)) == 0
    assert limiter.try_acquire("other", Limit(3, 60)) == 0  # keys are independent
