import pytest

from tests.services import pytest_collection_modifyitems, pytest_report_header  # noqa: F401


@pytest.fixture(autouse=True)
def _fresh_rate_limiter(monkeypatch):
    """Each test gets its own client-side rate-limit windows, so tests that call the same
    sandbox key do not wait for each other's windows (tests of the limiter pass their own)."""
    from providers import ratelimit

    monkeypatch.setattr(ratelimit, "_default", ratelimit.LocalRateLimiter())


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's default language: a request through the
    LocaleMiddleware leaves its language active in the thread, and the next test would
    read French where it expects English."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: answers cached by one test must not leak
    into another (the suite's Redis, or the local-memory cache, lives for the session)."""
    from providers.cache import cache

    cache.clear()
    yield
