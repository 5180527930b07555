"""The provider sandbox: the four provider APIs as their documents describe them.

A development and test tool (see ``core``). Production settings never point at it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from sandbox.core import Sandbox


def build_sandbox(
    state_path: Path | None = None,
    fault_seed: int = 0,
    clock: Callable[[], dt.datetime] | None = None,
) -> Sandbox:
    """The sandbox app with every provider; ``state_path=None`` keeps state in memory."""
    from sandbox import fourspaces, thia, workways, zentry

    return Sandbox(
        [thia.SPEC, workways.SPEC, zentry.SPEC, fourspaces.SPEC],
        state_path=state_path,
        fault_seed=fault_seed,
        clock=clock,
    )
