"""``{% fragment name key... %}…{% endfragment %}``: a rendered piece of a page, cached
under its name and everything it depends on.

Unlike Django's ``{% cache %}``, it has no time-to-live to tune: the keys say what the
fragment depends on (the catalogue's version, bumped by every sync and staff edit; the
language; the query), so a change makes a new key and the old entry is never read again
(it expires after a day, only to free the memory). A first key of ``None`` (the cache is
down, so no version is known; or the view says this rendering must not be kept) renders
without caching, and a cache that is down is a
miss, never an error (``providers.cache``).
"""

from __future__ import annotations

import hashlib

from django import template

from providers.cache import cache

register = template.Library()

KEEP_SECONDS = 24 * 3600


class FragmentNode(template.Node):
    def __init__(self, nodelist, name: str, keys: list[template.base.FilterExpression]):
        self.nodelist = nodelist
        self.name = name
        self.keys = keys

    def render(self, context) -> str:
        values = [key.resolve(context) for key in self.keys]
        if values[0] is None:
            return self.nodelist.render(context)
        digest = hashlib.sha256("\x1f".join(str(v) for v in values).encode()).hexdigest()
        key = f"fragment:{self.name}:{digest}"
        cached = cache.get(key)
        if cached is not None:
            return cached  # a node's output is inserted as is, never escaped again
        rendered = self.nodelist.render(context)
        cache.set(key, str(rendered), KEEP_SECONDS)
        return rendered


@register.tag("fragment")
def do_fragment(parser, token):
    bits = token.split_contents()
    if len(bits) < 3:
        raise template.TemplateSyntaxError("{% fragment name key [key...] %} needs a key")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist, bits[1], [parser.compile_filter(b) for b in bits[2:]])
