"""Sandbox of the workways API (placeholder until its module is written)."""

from __future__ import annotations

from providers.sandbox.core import ProviderSpec

SPEC = ProviderSpec(name="workways", routes=[], seed=lambda today: {}, config=lambda base, state: {})
