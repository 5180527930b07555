"""Provider accounts for the demo, from ``manage.py sandbox --print-config``."""

from __future__ import annotations

from typing import Any

from providers.adapters.types import AccountConfig


def accounts_from_sandbox_config(cfg: dict[str, Any]) -> list[AccountConfig]:
    """One ``AccountConfig`` per usable sandbox account, secrets split from the rest."""
    accounts: list[AccountConfig] = []
    for space in cfg.get("thia", []):
        accounts.append(
            AccountConfig(
                kind="thia",
                name=f"Thia — {space['name']}",
                config={"base_url": space["base_url"]},
                credentials={"api_key": space["api_key"], "api_secret": space["api_secret"]},
            )
        )
    if ww := cfg.get("workways"):
        accounts.append(
            AccountConfig(
                kind="workways",
                name="Workways",
                config={k: v for k, v in ww.items() if k != "token"},
                credentials={"token": ww["token"]},
            )
        )
    if zt := cfg.get("zentry"):
        accounts.append(
            AccountConfig(
                kind="zentry",
                name="Zentry",
                config={k: v for k, v in zt.items() if k != "api_key"},
                credentials={"api_key": zt["api_key"]},
            )
        )
    if fs := cfg.get("fourspaces"):
        secret_keys = {"api_key", "token"}
        accounts.append(
            AccountConfig(
                kind="fourspaces",
                name="4Spaces",
                config={k: v for k, v in fs.items() if k not in secret_keys},
                credentials={k: v for k, v in fs.items() if k in secret_keys},
            )
        )
    return accounts
