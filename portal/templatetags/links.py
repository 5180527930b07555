"""``{{ url|link_url }}``: a URL that may be rendered as a link, or "" (then no link).

Provider data reaches pages as ``href`` (a space's website, a legal document, a QR code,
a partner's booking page). The adapters already keep only http(s) links
(``providers.adapters.parsing.safe_url``); this filter applies the same allow-list where
the link is rendered, so a row synced before that rule, or edited in the database, cannot
put ``javascript:`` into a page either. ``{{ url|link_url:"mailto" }}`` also allows
``mailto:`` (and ``"tel"``, ``"mailto,tel"``).
"""

from __future__ import annotations

from django import template

from providers.adapters.parsing import LINK_SCHEMES, WEB_SCHEMES, safe_url

register = template.Library()


@register.filter
def link_url(value: object, also: str = "") -> str:
    extra = tuple(s.strip() for s in also.split(",") if s.strip() in LINK_SCHEMES)
    return safe_url(value, WEB_SCHEMES + extra)
