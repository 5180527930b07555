"""The providers the portal speaks to: a plain dict registry (as healthchecks' TRANSPORTS).

Each entry names a package under ``providers/vendors/`` whose ``SPEC`` declares the
provider's configuration, secrets, capabilities and rate limit.
"""

from __future__ import annotations

from functools import cache
from importlib import import_module

from providers.spec import ProviderSpec

VENDORS: dict[str, str] = {
    "thia": "providers.vendors.thia",
    "workways": "providers.vendors.workways",
    "zentry": "providers.vendors.zentry",
    "fourspaces": "providers.vendors.fourspaces",
}


@cache
def _load(module: str) -> ProviderSpec:
    return import_module(module).SPEC


def spec(kind: str) -> ProviderSpec:
    """The declaration of provider ``kind``; ``KeyError`` for an unknown kind."""
    return _load(VENDORS[kind])


def specs() -> list[ProviderSpec]:
    return [spec(kind) for kind in VENDORS]


def kinds() -> list[str]:
    return list(VENDORS)


def choices() -> list[tuple[str, str]]:
    return [(s.kind, s.label) for s in specs()]


def label(kind: str) -> str:
    try:
        return spec(kind).label
    except KeyError:
        return kind
