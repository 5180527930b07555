"""One cache for every process: what the web process, the worker and beat store is what
the others read, ``add`` is atomic between them, and a single flight is single across
processes. In the embedded pass this is diskcache's Django cache under PORTAL_VAR_DIR; in
the real pass, Redis. The processes here are started with ``spawn``, as separate
programs, on the portal's own settings (the suite's environment: the same folder or
server)."""

from __future__ import annotations

import multiprocessing
import os
import time
import uuid

import pytest


def _django() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    import django

    django.setup()


def _race_for_the_lock(key: str, start_at: float, results) -> None:
    _django()
    from providers.cache import cache

    time.sleep(max(0.0, start_at - time.time()))  # every process asks at the same moment
    results.append(cache.add(key, os.getpid(), 30))


def _store(key: str, value: str) -> None:
    _django()
    from providers.cache import cache

    cache.set(key, value, 60)


def _ask_for_facts(key: str, start_at: float, fetches, answers) -> None:
    _django()
    from providers import availability

    def fetch():
        fetches.append(os.getpid())
        time.sleep(1.0)  # a slow provider: the others must wait for this answer
        return f"facts fetched by {os.getpid()}"

    time.sleep(max(0.0, start_at - time.time()))
    entry, _source = availability.cached_facts(key, fetch, refresh=lambda: None)
    answers.append(entry.value)


def _run(target, args_for: list[tuple]) -> None:
    spawn = multiprocessing.get_context("spawn")
    procs = [spawn.Process(target=target, args=args) for args in args_for]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(90)
        assert proc.exitcode == 0


@pytest.mark.slow
def test_what_one_process_stores_another_reads():
    from providers.cache import cache

    key = f"test:shared:{uuid.uuid4().hex}"
    _run(_store, [(key, "written by another process")])
    assert cache.get(key) == "written by another process"


@pytest.mark.slow
def test_add_is_atomic_across_processes():
    key = f"test:lock:{uuid.uuid4().hex}"
    start_at = time.time() + 4  # after every interpreter has started
    with multiprocessing.Manager() as manager:
        results = manager.list()
        _run(_race_for_the_lock, [(key, start_at, results)] * 4)
        won = list(results)
    assert sorted(won) == [False, False, False, True]


@pytest.mark.slow
def test_one_provider_call_for_concurrent_misses_in_several_processes():
    key = f"avail:test:{uuid.uuid4().hex}"
    start_at = time.time() + 4
    with multiprocessing.Manager() as manager:
        fetches, answers = manager.list(), manager.list()
        _run(_ask_for_facts, [(key, start_at, fetches, answers)] * 3)
        fetched, answered = list(fetches), list(answers)
    assert len(fetched) == 1, f"the provider was asked {len(fetched)} times"
    assert answered == [f"facts fetched by {fetched[0]}"] * 3
