"""Sandbox of the fourspaces API (placeholder until its module is written)."""

from __future__ import annotations

from providers.sandbox.core import ProviderSpec

SPEC = ProviderSpec(name="fourspaces", routes=[], seed=lambda today: {}, config=lambda base, state: {})
