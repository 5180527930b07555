"""The Redis cache builds its client once per pool (``portal.redis_cache``), and still
behaves as Django's cache: values round-trip, ``add`` is atomic, many threads share it."""

from __future__ import annotations

import os
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from portal.redis_cache import RedisCache

pytestmark = pytest.mark.redis


@pytest.fixture
def redis_cache():
    cache = RedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": f"t-{uuid.uuid4().hex}"})
    yield cache
    cache.close()


def test_one_client_serves_every_call(redis_cache):
    client = redis_cache._cache.get_client()
    assert redis_cache._cache.get_client(write=True) is client
    redis_cache.set("k", {"a": 1}, 30)
    assert redis_cache._cache.get_client() is client
    assert redis_cache.get("k") == {"a": 1}


def test_threads_share_it_and_add_stays_atomic(redis_cache):
    def claim(n: int) -> bool:
        redis_cache.set(f"n{n}", n, 30)
        return redis_cache.add("lock", n, 30)

    with ThreadPoolExecutor(8) as pool:
        won = list(pool.map(claim, range(64)))
    assert won.count(True) == 1
    assert redis_cache.get_many([f"n{n}" for n in range(64)]) == {f"n{n}": n for n in range(64)}
