#!/usr/bin/env python3
"""No module of app code over 600 lines: a long module is two jobs that want splitting.

Looks at the app packages and the sandbox; seed data (``*_seed.py``) and migrations are
generated or data-like and are left out. Prints each module over the limit, longest first,
and exits 1 when there is one. Run from the repository root (``make check`` does).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

LIMIT = 600
PACKAGES = ("portal", "providers", "bookings", "devtools", "sandbox")


def exempt(path: Path) -> bool:
    return path.name.endswith("_seed.py") or "migrations" in path.parts


def line_count(path: Path) -> int:
    with path.open("rb") as f:
        return sum(1 for _ in f)


def oversized(root: Path, packages=PACKAGES, limit: int = LIMIT) -> list[tuple[Path, int]]:
    """The modules over ``limit`` lines under ``root``'s packages, longest first."""
    found = []
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            relative = path.relative_to(root)
            if exempt(relative):
                continue
            lines = line_count(path)
            if lines > limit:
                found.append((relative, lines))
    return sorted(found, key=lambda item: (-item[1], str(item[0])))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path.cwd())
    parser.add_argument("--limit", type=int, default=LIMIT)
    args = parser.parse_args(argv)
    found = oversized(args.root, limit=args.limit)
    if not found:
        print(f"module size: every app module has {args.limit} lines or fewer")
        return 0
    for path, lines in found:
        print(f"{path}: {lines} lines (limit {args.limit})")
    print(
        f"FAILED module size: {len(found)} module(s) over {args.limit} lines; split each by "
        "job (seed data goes in a *_seed.py module, which is exempt)",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())
