"""One adapter module per provider, on a shared base; a plain registry by kind."""

from __future__ import annotations

from importlib import import_module

from providers.adapters.types import AccountConfig

ADAPTERS = {
    "thia": "providers.adapters.thia.ThiaAdapter",
    "workways": "providers.adapters.workways.WorkwaysAdapter",
    "zentry": "providers.adapters.zentry.ZentryAdapter",
    "fourspaces": "providers.adapters.fourspaces.FourSpacesAdapter",
}


def adapter_class(kind: str):
    module, _, name = ADAPTERS[kind].rpartition(".")
    return getattr(import_module(module), name)


def adapter_for(account, **kwargs):
    """The adapter of a ``ProviderAccount`` (or an ``AccountConfig``)."""
    if not isinstance(account, AccountConfig):
        account = AccountConfig(
            kind=account.kind,
            name=account.name,
            config=dict(account.config),
            credentials=dict(account.credentials),
        )
    return adapter_class(account.kind)(account, **kwargs)
