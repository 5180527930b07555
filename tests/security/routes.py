"""Every URL pattern of the project, found by walking the resolver (admin included), and a
way to turn a pattern and its arguments into a path: the probes cover new pages without
being told about them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern


@dataclass(frozen=True)
class Route:
    route: str  # the whole pattern as written, e.g. "bookings/<int:pk>/cancel/"
    name: str  # "admin:bookings_booking_change"; "" for an unnamed pattern
    params: tuple[str, ...]  # the arguments it carries (converters, named groups)

    def __str__(self) -> str:
        return self.route


def _params(pattern) -> tuple[str, ...]:
    if isinstance(pattern, RoutePattern):
        return tuple(pattern.converters)
    if isinstance(pattern, RegexPattern):
        return tuple(pattern.regex.groupindex)
    return ()


def _walk(resolver: URLResolver, prefix: str, params: tuple[str, ...], namespace: str):
    for entry in resolver.url_patterns:
        text = prefix + str(entry.pattern)
        carried = params + _params(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}{entry.namespace}:"
            yield from _walk(entry, text, carried, inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else ""
            yield Route(route=text, name=name, params=carried)


def all_routes() -> list[Route]:
    """Each pattern once (the first wins, as in resolving: a later duplicate is dead)."""
    seen: dict[str, Route] = {}
    for route in _walk(get_resolver(), "", (), ""):
        seen.setdefault(route.route, route)
    return list(seen.values())


def routes_with_arguments() -> list[Route]:
    return [route for route in all_routes() if route.params]


_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")
_GROUP = re.compile(r"\(\?P<(\w+)>[^()]*\)")


def fill(route: str, kwargs: dict[str, object] | None = None) -> str:
    """The path of ``route`` with ``kwargs`` in place of its arguments (route syntax or
    a regular expression's named groups)."""
    values = {key: str(value) for key, value in (kwargs or {}).items()}
    path = _GROUP.sub(lambda m: values[m.group(1)], route)
    path = _CONVERTER.sub(lambda m: values[m.group(1)], path)
    return "/" + path.replace("^", "").replace("$", "")
