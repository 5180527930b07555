"""One small error hierarchy for every provider (after anymail's ``exceptions.py``).

* ``TransientError`` — timeouts, connection errors, 5xx, 429 and bodies that make no
  sense: trying again later may work (``retry_after`` seconds when the provider said).
  ``RateLimited``, one of them, is our own rate limiter's: the provider was not asked.
* ``AuthenticationError`` — the provider refused our credentials: staff must act.
* ``RejectedError`` — the provider understood and said no; ``message`` is its reason in
  words a member can read.
* ``UnsupportedError`` — the provider cannot do this at all.

``ProviderConfigurationError`` is deliberately *not* a ``ProviderError``, so nothing that
handles provider faults swallows a broken account configuration.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from providers.messages import Message


class ProviderError(Exception):
    """``message``: the provider's own words (a string), or our words about its answer as a
    ``providers.messages.Message`` that is rendered in each reader's language."""

    permanent = True

    def __init__(
        self,
        message: str | Message,
        *,
        provider: str = "",
        status: int | None = None,
        code: str = "",
        payload: object = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.provider = provider
        self.status = status
        self.code = code  # the provider's own error code, where it has one
        self.payload = payload  # the parsed error body, for the booking's history

    def __str__(self) -> str:
        where = f"{self.provider} " if self.provider else ""
        status = f" (HTTP {self.status})" if self.status else ""
        return f"{where}{self.message}{status}"


class TransientError(ProviderError):
    permanent = False

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class RateLimited(TransientError):
    """Our own rate limiter would have waited too long (``providers.ratelimit``): the
    provider was not asked. A page spends only the browsing share of the limit, so this
    is what a page gets while bookings keep the rest."""


class MalformedResponseError(TransientError):
    """The answer was not what the provider's document describes."""


class AuthenticationError(ProviderError):
    pass


class RejectedError(ProviderError):
    pass


class NotFoundError(RejectedError):
    """The provider does not know the thing asked about (a 404 that is an answer)."""


class UnsupportedError(ProviderError):
    pass


class ProviderConfigurationError(Exception):
    """The account lacks a URL or credential the adapter needs."""
