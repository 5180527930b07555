"""What a process keeps by content (``providers.cache.ByContent``): bounded, least
recently used first out, and gone with the shared cache when it is cleared."""

from __future__ import annotations

from providers.cache import ByContent, cache


def test_the_least_recently_used_goes_first_past_the_bound():
    kept = ByContent(2)
    kept.put("a", b"1")
    kept.put("b", b"2")
    assert kept.get("a") == b"1"  # "a" is now the most recently used
    kept.put("c", b"3")
    assert kept.get("b") is None and kept.get("a") == b"1" and kept.get("c") == b"3"


def test_clearing_the_cache_clears_what_processes_kept_of_it():
    kept = ByContent(4)
    kept.put("page", b"<html>")
    cache.clear()
    assert kept.get("page") is None
