"""Sandbox of the zentry API (placeholder until its module is written)."""

from __future__ import annotations

from providers.sandbox.core import ProviderSpec

SPEC = ProviderSpec(name="zentry", routes=[], seed=lambda today: {}, config=lambda base, state: {})
