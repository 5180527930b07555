"""Where an adapter may send an account's requests, and with them the account's secrets.

Staff type an account's API URLs, but the deployment decides where they may point: the
URL prefixes of ``settings.PROVIDER_URLS[kind]`` (``PROVIDER_URLS_<KIND>``), else the
production URLs of the provider's document (its ``SPEC.base_urls``). The provider sandbox
(plain http on this machine, any port) is allowed only with
``settings.PROVIDER_ALLOW_SANDBOX`` (development and the tests). Without this, staff could
point an account at their own server, press Sync and read the "write-only" secrets in the
request, or make the worker fetch an internal URL.

The admin checks an account's URLs when staff save it; the adapter base checks every
request before it is sent, so an account saved earlier or edited in the database cannot
send its secrets anywhere else either.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import httpx
from django.conf import settings

from providers import registry
from providers.adapters.errors import ProviderConfigurationError

DEFAULT_PORTS = {"http": 80, "https": 443}
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
SANDBOX = "http://127.0.0.1:<port>"


def environment_variable(kind: str) -> str:
    return f"PROVIDER_URLS_{kind.upper()}"


class DestinationNotAllowed(ProviderConfigurationError):
    """An account's URL is not on the deployment's allow-list of its provider."""

    def __init__(self, kind: str, url: str) -> None:
        self.kind, self.url = kind, url
        allowed = ", ".join(allowed_prefixes(kind)) or "none"
        super().__init__(
            f"{shown(url)} is not an allowed {registry.label(kind)} API URL "
            f"(allowed: {allowed}; set by the deployment in {environment_variable(kind)})"
        )


@dataclass(frozen=True)
class Prefix:
    scheme: str
    host: str
    port: int
    path: str  # without its trailing slash; "" is any path

    def matches(self, url: httpx.URL) -> bool:
        if (url.scheme, url.host, effective_port(url)) != (self.scheme, self.host, self.port):
            return False
        path = url.path.rstrip("/")
        return not self.path or path == self.path or path.startswith(self.path + "/")


def effective_port(url: httpx.URL) -> int | None:
    return url.port or DEFAULT_PORTS.get(url.scheme)


def parse(url: str | httpx.URL) -> httpx.URL | None:
    """``url`` as httpx sends it, or None when it is no absolute http(s) URL a provider
    could be at: no host, a user name (``https://good@evil``), or a ``..`` in its path
    (which httpx keeps when it is percent-encoded, and a server may still resolve)."""
    try:
        parsed = url if isinstance(url, httpx.URL) else httpx.URL(url.strip())
    except (httpx.InvalidURL, TypeError, AttributeError):
        return None
    if parsed.scheme not in DEFAULT_PORTS or not parsed.host or parsed.userinfo:
        return None
    if any(segment in (".", "..") for segment in parsed.path.split("/")):
        return None
    return parsed


@functools.lru_cache(maxsize=64)
def _prefixes(urls: tuple[str, ...]) -> tuple[Prefix, ...]:
    prefixes = []
    for url in urls:
        parsed = parse(url)
        if parsed is not None:
            port = effective_port(parsed) or 0
            prefixes.append(Prefix(parsed.scheme, parsed.host, port, parsed.path.rstrip("/")))
    return tuple(prefixes)


def allowed_prefixes(kind: str) -> tuple[str, ...]:
    """The URL prefixes accounts of ``kind`` may use (the sandbox aside)."""
    configured = getattr(settings, "PROVIDER_URLS", {}).get(kind)
    if configured:
        return tuple(configured)
    try:
        return registry.spec(kind).base_urls
    except KeyError:
        return ()


def sandbox_allowed() -> bool:
    return bool(getattr(settings, "PROVIDER_ALLOW_SANDBOX", False))


def is_allowed(kind: str, url: str | httpx.URL) -> bool:
    parsed = parse(url)
    if parsed is None:
        return False
    if sandbox_allowed() and parsed.scheme == "http" and parsed.host in LOOPBACK_HOSTS:
        return True
    return any(p.matches(parsed) for p in _prefixes(allowed_prefixes(kind)))


def check(kind: str, url: str | httpx.URL) -> None:
    """Raise ``DestinationNotAllowed`` unless accounts of ``kind`` may send to ``url``."""
    if not is_allowed(kind, url):
        raise DestinationNotAllowed(kind, str(url))


def shown(url: str) -> str:
    """``url`` without its user, query or fragment (any may carry a secret), for messages."""
    try:
        parsed = httpx.URL(url.strip())
    except (httpx.InvalidURL, TypeError, AttributeError):
        return "an invalid URL"
    if not parsed.scheme or not parsed.host:
        return repr(url.strip()[:100])
    return str(parsed.copy_with(userinfo=b"", query=None, fragment=None))
