"""Adapters on a shared base; which adapter a provider uses is in its ``SPEC``."""

from __future__ import annotations

from typing import Any

from providers import registry
from providers.adapters.base import ProviderAdapter
from providers.adapters.types import AccountConfig


def adapter_for(account: Any, **kwargs: Any) -> ProviderAdapter:
    """The adapter of a ``ProviderAccount`` (or an ``AccountConfig``)."""
    if not isinstance(account, AccountConfig):
        account = AccountConfig(
            kind=account.kind,
            name=account.name,
            config=dict(account.config),
            credentials=dict(account.credentials),
            id=account.pk,
        )
    return registry.spec(account.kind).adapter_class()(account, **kwargs)
