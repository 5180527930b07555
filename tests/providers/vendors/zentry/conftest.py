"""Zentry's documents name no base URL, so a deployment lists its own
(``PROVIDER_URLS_ZENTRY``); these tests' faked Zentry is at ``https://api.zentry.test``."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _zentry_urls_allowed(settings):
    settings.PROVIDER_URLS = {**settings.PROVIDER_URLS, "zentry": ["https://api.zentry.test"]}
