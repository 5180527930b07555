"""Provider accounts for the demo, from ``manage.py sandbox --print-config``."""

from __future__ import annotations

from typing import Any

from providers.adapters.types import AccountConfig

# The non-secret settings each kind's adapter reads; nothing else from the sandbox's
# print-config is kept (it also lists spare tokens for tests, which are secrets).
CONFIG_KEYS = {
    "workways": {"base_url", "known_member_email"},
    "zentry": {"workspaces_url", "checkins_url", "tenant_id", "user_id", "workspace_id"},
    "fourspaces": {"base_url", "organization_id"},
}


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
                config={k: v for k, v in ww.items() if k in CONFIG_KEYS["workways"]},
                credentials={"token": ww["token"]},
            )
        )
    if zt := cfg.get("zentry"):
        accounts.append(
            AccountConfig(
                kind="zentry",
                name="Zentry",
                config={k: v for k, v in zt.items() if k in CONFIG_KEYS["zentry"]},
                credentials={"api_key": zt["api_key"]},
            )
        )
    if fs := cfg.get("fourspaces"):
        accounts.append(
            AccountConfig(
                kind="fourspaces",
                name="4Spaces",
                config={k: v for k, v in fs.items() if k in CONFIG_KEYS["fourspaces"]},
                credentials={k: v for k, v in fs.items() if k in {"api_key", "token"}},
            )
        )
    return accounts
