"""Sandbox of the thia API (placeholder until its module is written)."""

from __future__ import annotations

from providers.sandbox.core import ProviderSpec

SPEC = ProviderSpec(name="thia", routes=[], seed=lambda today: {}, config=lambda base, state: {})
