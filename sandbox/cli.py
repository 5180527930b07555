"""The sandbox's command line: ``python -m sandbox`` (and ``manage.py sandbox`` in development).

Plain argparse and werkzeug: the sandbox imports nothing from the portal, so it can serve
the provider APIs to any client, the portal included.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from werkzeug.serving import run_simple

from sandbox import build_sandbox
from sandbox.core import load_env_faults, parse_fault_option

DEFAULT_PORT = 8001


def parser(default_state: Path) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="sandbox",
        description="Serve the provider sandbox (Thia, Workways, Zentry, 4Spaces) on 127.0.0.1.",
    )
    add_arguments(p, default_state)
    return p


def add_arguments(p: argparse.ArgumentParser, default_state: Path) -> None:
    p.add_argument("--port", type=int, default=DEFAULT_PORT)
    p.add_argument("--reset", action="store_true", help="restore the seed data")
    p.add_argument(
        "--print-config",
        action="store_true",
        help="print base URLs and demo credentials as JSON, then exit",
    )
    p.add_argument(
        "--state",
        default=str(default_state),
        help="file that keeps the sandbox's state across restarts",
    )
    p.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="PROVIDER:KEY=VALUE[,KEY=VALUE]",
        help="inject faults, e.g. thia:error_rate=0.3,latency_ms=200 (repeatable)",
    )
    p.add_argument("--fault-seed", type=int, default=0)


class UsageError(ValueError):
    """A bad option: the caller prints it and exits with a usage error."""


def config(port: int, state: str | Path | None = None) -> dict:
    """What ``--print-config`` prints: base URLs and demo credentials for ``port``."""
    sandbox = build_sandbox(state_path=Path(state) if state else None)
    return sandbox.print_config(f"http://127.0.0.1:{port}")


def run(
    *,
    port: int,
    state: str,
    reset: bool = False,
    print_config: bool = False,
    fault: list[str] | None = None,
    fault_seed: int = 0,
    out=sys.stdout,
) -> None:
    if not 0 < port < 65536:
        raise UsageError(f"--port {port} is not a TCP port")
    sandbox = build_sandbox(state_path=Path(state), fault_seed=fault_seed)
    if reset:
        sandbox.store.reset()
    if print_config:
        out.write(json.dumps(sandbox.print_config(f"http://127.0.0.1:{port}"), indent=2) + "\n")
        return
    try:
        load_env_faults(sandbox)
        for option in fault or []:
            provider, values = parse_fault_option(option)
            sandbox.apply_faults({provider: values})
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    out.write(f"Provider sandbox on http://127.0.0.1:{port}/ (state: {state})\n")
    out.flush()
    run_simple("127.0.0.1", port, sandbox, threaded=True, use_reloader=False)


def main(argv: list[str] | None = None) -> None:
    p = parser(Path("var") / "sandbox.json")
    options = vars(p.parse_args(argv))
    try:
        run(**options)
    except UsageError as exc:
        p.error(str(exc))


if __name__ == "__main__":
    main()
