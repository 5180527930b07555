"""Provider accounts for the demo, from ``sandbox --print-config``.

Generic over the providers: each one's declared configuration and secret fields (its
``SPEC``) say what to keep of the sandbox's print-config; nothing else is kept (it also
lists spare tokens for tests, which are secrets). A provider's entry is one account (a
JSON object) or several (a list of objects with a ``name``, as Thia's one key per space).
"""

from __future__ import annotations

from typing import Any

from providers import registry
from providers.adapters.types import AccountConfig


def accounts_from_sandbox_config(cfg: dict[str, Any]) -> list[AccountConfig]:
    """One ``AccountConfig`` per usable sandbox account, secrets split from the rest."""
    accounts: list[AccountConfig] = []
    for spec in registry.specs():
        entry = cfg.get(spec.kind)
        if not entry:
            continue
        many = isinstance(entry, list)
        for part in entry if many else [entry]:
            accounts.append(
                AccountConfig(
                    kind=spec.kind,
                    name=f"{spec.label} — {part['name']}" if many else spec.label,
                    config={k: v for k, v in part.items() if k in spec.config_names},
                    credentials={k: v for k, v in part.items() if k in spec.secret_names},
                )
            )
    return accounts
