"""Calendar feed tokens never reach a log line.

A member's feed URL (``/calendar/<token>.ics``) is a secret: whoever reads it reads the
member's bookings and access codes. Calendar apps fetch it every few minutes, so without
this every access log would hold every member's token. ``redact`` keeps the first four
characters (enough to tell two links apart when reading logs) and drops the rest.

``RedactFeedTokens`` is a logging filter: ``LOGGING`` puts it on Django's ``django.server``
(runserver's request lines) and ``django.request`` (404 and 500 lines) loggers, and
``portal.gunicorn_conf`` on gunicorn's access and error logs. It rewrites the record itself,
so every handler downstream sees the redacted line.
"""

from __future__ import annotations

import logging
import re

# the path segment after /calendar/ up to the next /, ?, #, space or quote: the token is
# whatever the URL carried there (".ics" kept when present, so the line still reads well)
_FEED_PATH = re.compile(r"(/calendar/)([^/?#\s\"']{0,4})([^/?#\s\"']*?)(\.ics)?(?=[/?#\s\"']|$)")


def redact(text: str) -> str:
    """``text`` with every feed token cut to its first four characters and "…"."""
    return _FEED_PATH.sub(_cut, text)


def _cut(match: re.Match[str]) -> str:
    prefix, head, rest, suffix = match.groups()
    if not rest:
        return match.group(0)  # four characters or fewer: nothing more to hide
    return f"{prefix}{head}\u2026{suffix or ''}"


class RedactFeedTokens(logging.Filter):
    """Rewrite a record whose message holds a feed URL; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: logging reports it when it formats it
            return True
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, ()
        return True


# One instance, so adding it again (gunicorn sets its loggers up again on reload) is a no-op.
FILTER = RedactFeedTokens()
