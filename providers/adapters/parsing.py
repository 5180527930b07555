"""Parsing helpers every provider package uses (written once, here)."""

from __future__ import annotations

import json
from typing import Any


class SkipItem(Exception):
    """One catalogue item cannot be read; the reason goes into a ``SkippedItem``."""


def text(value: Any) -> str:
    """A provider string, stripped; anything that is not a string is empty."""
    return value.strip() if isinstance(value, str) else ""


def jsonable(value: Any) -> Any:
    """A provider's answer as plain JSON, for a booking's history (never raises)."""
    if value is None:
        return None
    try:
        return json.loads(json.dumps(value, default=str))
    except (TypeError, ValueError):
        return {"text": str(value)[:2000]}
