"""The command line of a real Celery worker, as the tests start one (one place for it)."""

from __future__ import annotations

import sys


def celery_worker_args(
    *, pool: str = "threads", concurrency: int | None = 4, loglevel: str = "INFO", extra=()
) -> list[str]:
    """``python -m celery -A portal worker`` without mingle, gossip or heartbeat (a test's
    worker talks to no other), with ``extra`` options (``-Q``, ``-n``) at the end."""
    return [
        sys.executable,
        *("-m", "celery", "-A", "portal", "worker", f"--pool={pool}"),
        *([f"--concurrency={concurrency}"] if concurrency is not None else []),
        f"--loglevel={loglevel}",
        *("--without-mingle", "--without-gossip", "--without-heartbeat"),
        *extra,
    ]
