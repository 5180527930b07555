"""Members' accounts: what the account pages need besides Django's own views.

Login throttling is django-axes (``AXES_*`` in the settings); this module gives it the
member's login name and the client's address.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The client's address (AXES_CLIENT_IP_CALLABLE). Behind ``TRUSTED_PROXY_COUNT``
    proxies, the address the outermost of them received the request from: it is the one
    they appended to X-Forwarded-For; entries to its left are the client's to write."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if not proxies:
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [a for a in forwarded if a]
    return forwarded[-proxies] if len(forwarded) >= proxies else remote


def login_username(request: HttpRequest, credentials: dict | None) -> str:
    """The email address a login is for, as axes counts it (AXES_USERNAME_CALLABLE):
    trimmed and lower-cased, so "ADA@x" and " ada@x" share one count of failures."""
    raw = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(raw).strip().lower()
