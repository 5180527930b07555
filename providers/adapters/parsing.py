"""Parsing helpers every provider package uses (written once, here)."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

# The schemes a provider's link may have to be shown as a link: never ``javascript:``,
# ``data:`` or ``vbscript:``, which run in the member's browser. ``mailto``/``tel`` only
# where a caller asks for them (a contact field that is an address or a number).
WEB_SCHEMES = ("http", "https")
LINK_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
# ASCII control characters: browsers drop some of them inside a URL ("java\tscript:"),
# so a URL holding any is refused rather than guessed at.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


class SkipItem(Exception):
    """One catalogue item cannot be read; the reason goes into a ``SkippedItem``."""


def text(value: Any) -> str:
    """A provider string, stripped; anything that is not a string is empty."""
    return value.strip() if isinstance(value, str) else ""


def safe_url(value: Any, schemes: tuple[str, ...] = WEB_SCHEMES) -> str:
    """A provider's link if it is an absolute URL with one of ``schemes`` (http and https
    by default; at most those of ``LINK_SCHEMES``), else "". Pages render what this keeps
    as ``href`` and ``src``: a ``javascript:`` link from a provider must not run there."""
    url = text(value)
    if not url or _CONTROL_CHARACTERS.search(url):
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    scheme = parts.scheme.lower()
    if scheme not in schemes or scheme not in LINK_SCHEMES:
        return ""
    if scheme in WEB_SCHEMES and not parts.netloc:
        return ""  # "https:evil.example" is a relative link in a browser
    if scheme not in WEB_SCHEMES and not parts.path:
        return ""
    return url


def jsonable(value: Any) -> Any:
    """A provider's answer as plain JSON, for a booking's history (never raises)."""
    if value is None:
        return None
    try:
        return json.loads(json.dumps(value, default=str))
    except (TypeError, ValueError):
        return {"text": str(value)[:2000]}
