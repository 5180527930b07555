"""Members' accounts: what the account pages need besides Django's own views, and the
limits that keep them from being used to guess passwords or flood an inbox.

Login throttling is django-axes (``AXES_*`` in the settings); this module gives it the
member's login name and the client's address. The emails the account pages send on
request (password reset) are counted per recipient and per client address in the shared
cache: past ``ACCOUNT_EMAILS_PER_*`` within the window, nothing is sent and the page
answers as usual.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

logger = logging.getLogger(__name__)


# --- who is asking ---------------------------------------------------------------------


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


# --- emails sent on request ------------------------------------------------------------


def _count(key: str, window: int) -> int:
    """One more under ``key``, in a window of ``window`` seconds from its first count."""
    cache.add(key, 0, window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between the two calls: this is the first of a new window
        cache.add(key, 1, window)
        return 1


def may_send_account_email(recipient: str, client: str) -> bool:
    """Count one account email to ``recipient`` asked for by ``client``; False past
    either limit. Every request counts, whether or not the address has an account."""
    window = settings.ACCOUNT_EMAILS_WINDOW_MINUTES * 60
    digest = hashlib.sha256(recipient.strip().lower().encode()).hexdigest()  # no address kept
    try:
        to_recipient = _count(f"account-emails:to:{digest}", window)
        from_client = _count(f"account-emails:from:{client}", window)
    except Exception as exc:  # the cache is down: the account pages keep working
        logger.warning("account email limit not checked (%s)", type(exc).__name__)
        return True
    if to_recipient > settings.ACCOUNT_EMAILS_PER_RECIPIENT:
        logger.info("account email not sent: too many for one recipient")
        return False
    if from_client > settings.ACCOUNT_EMAILS_PER_CLIENT:
        logger.info("account email not sent: too many from %s", client)
        return False
    return True
