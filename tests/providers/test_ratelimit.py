"""The shared rate limit: four worker processes together never exceed a key's limit,
through Redis and, without it, through the diskcache folder beside the embedded cache."""

from __future__ import annotations

import multiprocessing
import os
import time

import pytest
import redis as redis_lib

from providers import ratelimit
from providers.ratelimit import (
    DiskRateLimiter,
    Limit,
    LocalRateLimiter,
    RedisRateLimiter,
    acquire,
)

LIMIT = Limit(10, 1.0)  # 10 per second: the same window logic as Thia's 60 per minute


class _Clock:
    """The disk limiter's clock, remembering its last reading: the instant the limiter
    granted the call. Read after ``acquire`` returns instead, a process descheduled on a
    loaded machine stamps its call late and seems to break a window it kept."""

    last = 0.0

    def __call__(self) -> float:
        self.last = time.time()
        return self.last


def _worker(store: str, key: str, calls: int, results) -> None:
    clock = None
    if store.startswith("redis://"):
        limiter = RedisRateLimiter(redis_lib.Redis.from_url(store))
    else:
        clock = _Clock()
        limiter = DiskRateLimiter(store, clock=clock)
    for _ in range(calls):
        acquire(limiter, key, LIMIT, max_wait=30)
        results.append(clock.last if clock else time.time())


def _four_processes(store: str) -> list[float]:
    key = f"test:{os.getpid()}:{time.time()}"
    with multiprocessing.Manager() as manager:
        results = manager.list()
        procs = [
            multiprocessing.get_context("spawn").Process(
                target=_worker, args=(store, key, 8, results)
            )
            for _ in range(4)
        ]
        for proc in procs:
            proc.start()
        for proc in procs:
            proc.join(60)
            assert proc.exitcode == 0
        return sorted(results)


def _assert_within_limit(stamps: list[float]) -> None:
    assert len(stamps) == 32
    # in every window of one second there are at most 10 calls (small slack for clocks)
    for i, start in enumerate(stamps):
        in_window = [s for s in stamps[i:] if s < start + LIMIT.seconds - 0.02]
        assert len(in_window) <= LIMIT.requests, f"{len(in_window)} calls within one second"
    # and they did not just run one after another: 32 calls need at least 3 windows
    assert stamps[-1] - stamps[0] >= 2.0


@pytest.mark.redis
@pytest.mark.slow
def test_four_processes_share_one_limit_through_redis():
    _assert_within_limit(_four_processes(os.environ["REDIS_URL"]))


@pytest.mark.slow
def test_four_processes_share_one_limit_without_redis(tmp_path):
    _assert_within_limit(_four_processes(str(tmp_path / "ratelimit")))


def test_the_disk_window_is_one_window_for_every_limiter_on_the_folder(tmp_path):
    now = [1000.0]
    first = DiskRateLimiter(tmp_path, clock=lambda: now[0])
    second = DiskRateLimiter(tmp_path, clock=lambda: now[0])  # another process, same folder
    assert [first.try_acquire("k", Limit(3, 60)) for _ in range(2)] == [0, 0]
    assert second.try_acquire("k", Limit(3, 60)) == 0
    assert first.try_acquire("k", Limit(3, 60)) == pytest.approx(60)
    assert second.try_acquire("k", Limit(3, 60)) == pytest.approx(60)
    now[0] += 30
    assert second.try_acquire("k", Limit(3, 60)) == pytest.approx(30)
    assert second.try_acquire("other", Limit(3, 60)) == 0  # keys are independent
    now[0] += 30
    assert first.try_acquire("k", Limit(3, 60)) == 0  # the first three left the window


def test_a_broken_disk_window_falls_back_to_this_process(tmp_path, caplog):
    limiter = DiskRateLimiter(tmp_path)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    limiter.store.transact = broken
    assert [limiter.try_acquire("k", Limit(2, 60)) for _ in range(2)] == [0, 0]
    assert limiter.try_acquire("k", Limit(2, 60)) > 0
    assert "using a local window" in caplog.text


def test_without_redis_the_default_limiter_lives_beside_the_embedded_cache(
    monkeypatch, settings, tmp_path
):
    monkeypatch.setattr(ratelimit, "_default", None)
    settings.REDIS_URL = ""
    settings.CACHES = {
        "default": {"BACKEND": "diskcache.DjangoCache", "LOCATION": str(tmp_path / "cache")}
    }
    limiter = ratelimit.default_limiter()
    assert isinstance(limiter, DiskRateLimiter)
    assert limiter.store.directory == str(tmp_path / "cache" / "ratelimit")
    assert ratelimit.default_limiter() is limiter  # one per process


def test_local_window_allows_the_limit_then_asks_to_wait():
    now = [100.0]
    limiter = LocalRateLimiter(clock=lambda: now[0])
    assert [limiter.try_acquire("k", Limit(3, 60)) for _ in range(3)] == [0, 0, 0]
    assert limiter.try_acquire("k", Limit(3, 60)) == pytest.approx(60)
    now[0] += 60
    assert limiter.try_acquire("k", Limit(3, 60)) == 0
    assert limiter.try_acquire("other", Limit(3, 60)) == 0  # keys are independent
