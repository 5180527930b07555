"""The shared base of every provider adapter (after anymail's ``base_requests.py``).

The base owns the HTTP client: base URL, where requests may go (the deployment's
allow-list, ``destinations``), timeouts, user agent, the client-side rate limit, retries
of transient faults with exponential backoff and full jitter honouring ``Retry-After``,
and one log line per call with provider, endpoint, status and latency — never headers,
query strings or bodies, so secrets cannot reach the logs. Subclasses
only build requests and translate answers into ``providers.adapters.types``.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import functools
import hashlib
import json
import logging
import random
import ssl
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any, ClassVar

import httpx
from django.conf import settings

from providers import callstats
from providers.adapters import destinations
from providers.adapters.errors import (
    AuthenticationError,
    MalformedResponseError,
    NotFoundError,
    ProviderConfigurationError,
    RateLimited,
    RejectedError,
    TransientError,
    UnsupportedError,
)
from providers.adapters.types import (
    AccountConfig,
    BookingRequest,
    Catalogue,
    CheckInResult,
    Customer,
    ItemRef,
    PassDay,
    ProviderDay,
    Quote,
    SubmitResult,
)
from providers.cache import cache
from providers.ratelimit import RESERVED, Limit, RateLimitTimeout, acquire, default_limiter

logger = logging.getLogger("providers.http")

USER_AGENT = "CoworkingPortal/0.1 (+https://github.com/coworking-portal)"
DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=5.0)


def parse_retry_after(value: str | None) -> float | None:
    """``Retry-After`` as seconds: a number, or an HTTP date (RFC 9110 §10.2.3)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


@functools.cache
def tls_context() -> ssl.SSLContext:
    """One TLS context for every adapter of the process. httpx builds a new one per client
    by default, loading the whole CA bundle: about 70 ms of CPU each, which a week page
    asking seven days in seven threads paid seven times while holding the GIL. A context
    is safe to share between threads and clients."""
    return httpx.create_ssl_context()


class ProviderAdapter(ABC):
    """The interface every provider implements; ``providers.adapters.adapter_for`` returns it.

    A provider that cannot do something raises ``UnsupportedError`` (its ``SPEC``'s
    capabilities say so beforehand, so callers need not try).
    """

    kind: ClassVar[str] = ""

    def __init__(self, account: AccountConfig, **options: Any) -> None:
        """Every adapter is made from one account's settings (see ``adapter_for``)."""
        self.account = account

    @abstractmethod
    def fetch_catalogue(self) -> Catalogue:
        """Every space with its rooms and passes, in the project's own types."""

    def ping(self) -> None:
        """One cheap, read-only call that proves the URL and credentials work (the staff
        panel's "Test connection"); raises the call's ``ProviderError`` otherwise."""
        raise UnsupportedError(f"{self.kind} has no connection test", provider=self.kind)

    @abstractmethod
    def day_facts(self, item: ItemRef, day: dt.date) -> ProviderDay:
        """What the provider says about one room on one local day."""

    @abstractmethod
    def pass_days(self, item: ItemRef, start: dt.date, end: dt.date) -> list[PassDay]:
        """Which days a pass is sold on in ``[start, end]``, with places left."""

    @abstractmethod
    def quote(self, item: ItemRef, request: BookingRequest) -> Quote:
        """The price of ``request`` before it is made."""

    @abstractmethod
    def submit(self, item: ItemRef, request: BookingRequest) -> SubmitResult:
        """Make the booking at the provider."""

    @abstractmethod
    def find_existing(self, item: ItemRef, request: BookingRequest) -> SubmitResult | None:
        """Reconcile: does the provider already hold this booking (a lost answer)?"""

    @abstractmethod
    def refresh(self, item: ItemRef, request: BookingRequest, reference: str) -> SubmitResult:
        """The booking's state at the provider now."""

    @abstractmethod
    def cancel(self, item: ItemRef, request: BookingRequest, reference: str) -> Any:
        """Cancel the booking at the provider; returns the provider's answer."""

    @abstractmethod
    def approve(self, item: ItemRef, request: BookingRequest, reference: str) -> SubmitResult:
        """Staff approve a booking waiting for approval, at the provider."""

    def check_in(self, item: ItemRef, request: BookingRequest, reference: str) -> CheckInResult:
        """Check the member in at the space for the booking ``reference`` (where
        ``SPEC.capabilities.check_in``)."""
        raise UnsupportedError(f"{self.kind} has no check-in", provider=self.kind)

    def check_out(self, item: ItemRef, check_in: str) -> CheckInResult:
        """Check the member out of the check-in ``check_in`` (its provider id)."""
        raise UnsupportedError(f"{self.kind} has no check-out", provider=self.kind)

    def knows_member(self, customer: Customer) -> bool | None:
        """Whether the provider already counts this member as one of its users (some ask
        more notice of new ones); None when it cannot tell, which callers read as "not
        known" and apply their own rule."""
        return None

    @abstractmethod
    def register(
        self,
        customer: Customer,
        *,
        meeting_id: str | None,
        room_id: str | None = None,
        site_id: str | None = None,
        residents: int = 1,
    ) -> dict[str, Any]:
        """Register the member's organization with the provider."""

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> ProviderAdapter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class BaseAdapter(ProviderAdapter):
    """The HTTP base of the adapters; the booking calls default to ``UnsupportedError``."""

    kind: ClassVar[str] = ""
    # Documented client-side limit per credential, or None.
    rate_limit: ClassVar[Limit | None] = None
    max_attempts: ClassVar[int] = 4
    backoff_base: ClassVar[float] = 0.5
    backoff_cap: ClassVar[float] = 20.0
    # Longest Retry-After we wait inside one call; longer waits go back to the caller
    # (a Celery task retries later instead of holding a worker).
    max_inline_wait: ClassVar[float] = 30.0
    default_timeout: ClassVar[httpx.Timeout] = DEFAULT_TIMEOUT

    def __init__(
        self,
        account: AccountConfig,
        *,
        transport: httpx.BaseTransport | None = None,
        limiter=None,
        sleep: Callable[[float], None] = time.sleep,
        timeout: httpx.Timeout | None = None,
        max_rate_wait: float = 120.0,
        rate_share: str = RESERVED,
        max_attempts: int | None = None,
    ) -> None:
        self.account = account
        self.sleep = sleep
        self._limiter = limiter
        # how long a call may wait for the client-side rate limit: a worker can wait; a
        # page view asks for a short wait and shows "unknown" rather than hang
        self.max_rate_wait = max_rate_wait
        # which share of the rate limit the calls count against (providers.ratelimit):
        # availability for pages browses; bookings, submissions and quotes are reserved
        self.rate_share = rate_share
        # a page's budget leaves no time for retries: it asks for one attempt
        self.attempts_limit = max(1, max_attempts) if max_attempts is not None else None
        # the HTTP status of the last answer (the connection test reports it)
        self.last_status: int | None = None
        self.client = httpx.Client(
            timeout=timeout or self.configured_timeout(),
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            transport=transport,
            follow_redirects=False,
            verify=tls_context(),
            # every request, also one a subclass sends on ``self.client`` itself, goes only
            # where the deployment allows this provider (``_send_once`` checks first, so a
            # refused URL waits for no rate limit)
            event_hooks={"request": [self._check_destination]},
        )

    def configured_timeout(self) -> httpx.Timeout:
        seconds = getattr(settings, "PROVIDER_HTTP_TIMEOUT_SECONDS", None)
        if seconds and self.default_timeout is DEFAULT_TIMEOUT:
            return httpx.Timeout(float(seconds), connect=min(5.0, float(seconds)))
        return self.default_timeout

    # --- configuration ------------------------------------------------------------
    def setting(self, name: str) -> Any:
        value = self.account.config.get(name)
        if not value:
            raise ProviderConfigurationError(f"{self.account.name}: config.{name} is not set")
        return value

    def secret(self, name: str) -> str:
        value = self.account.credentials.get(name)
        if not value:
            raise ProviderConfigurationError(f"{self.account.name}: credential {name} is not set")
        return value

    def rate_limit_key(self) -> str:
        """Which credential the documented limit counts against (override per provider)."""
        return f"{self.kind}:{self.account.name}"

    @property
    def limiter(self):
        if self._limiter is None:
            self._limiter = default_limiter()
        return self._limiter

    def close(self) -> None:
        self.client.close()

    # --- the interface (see ``ProviderAdapter``); what a provider cannot do --------
    def fetch_catalogue(self) -> Catalogue:
        raise UnsupportedError(f"{self.kind} has no catalogue", provider=self.kind)

    def day_facts(self, item: ItemRef, day: dt.date) -> ProviderDay:
        """What the provider says about a resource on one local day."""
        raise UnsupportedError(f"{self.kind} has no availability for rooms", provider=self.kind)

    def pass_days(self, item: ItemRef, start: dt.date, end: dt.date) -> list[PassDay]:
        """Whether a pass is sold, and how many are left, on each day from start to end."""
        raise UnsupportedError(f"{self.kind} has no availability for passes", provider=self.kind)

    def quote(self, item: ItemRef, request: BookingRequest) -> Quote:
        """The price of this booking as the provider computes it."""
        raise UnsupportedError(f"{self.kind} cannot price this", provider=self.kind)

    def submit(self, item: ItemRef, request: BookingRequest) -> SubmitResult:
        """Send the booking. Raises RejectedError with the provider's reason when refused.
        Never retried blindly by the caller: a timeout is followed by ``find_existing``."""
        raise UnsupportedError(f"{self.kind} cannot book this", provider=self.kind)

    def find_existing(self, item: ItemRef, request: BookingRequest) -> SubmitResult | None:
        """Reconcile: does the provider already hold this booking (an earlier attempt that
        timed out, or a worker that died after sending)? None when it does not."""
        return None

    def refresh(self, item: ItemRef, request: BookingRequest, reference: str) -> SubmitResult:
        """The booking's current state at the provider (e.g. approved since)."""
        raise UnsupportedError(f"{self.kind} cannot report a booking's state", provider=self.kind)

    def cancel(self, item: ItemRef, request: BookingRequest, reference: str) -> Any:
        """Cancel at the provider; returns the provider's reply."""
        raise UnsupportedError(f"{self.kind} has no way to cancel online", provider=self.kind)

    def approve(self, item: ItemRef, request: BookingRequest, reference: str) -> SubmitResult:
        raise UnsupportedError(f"{self.kind} has no approval call", provider=self.kind)

    def register(
        self,
        customer: Customer,
        *,
        meeting_id: str | None,
        room_id: str | None = None,
        site_id: str | None = None,
        residents: int = 1,
    ) -> dict[str, Any]:
        raise UnsupportedError(f"{self.kind} has no online registration", provider=self.kind)

    # --- HTTP ---------------------------------------------------------------------
    def request(
        self,
        method: str,
        url: str,
        *,
        endpoint: str,
        retry: bool | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """Send one call; retry transient faults when it is safe to repeat.

        ``endpoint`` is a label without ids or secrets (e.g. "GET /space") for the logs.
        ``retry`` defaults to True for GET and False otherwise: a POST that timed out may
        have been carried out, so the caller (which can reconcile) decides.
        """
        retry = method.upper() == "GET" if retry is None else retry
        attempts = (self.attempts_limit or self.max_attempts) if retry else 1
        for attempt in range(1, attempts + 1):
            try:
                return self._send_once(method, url, endpoint=endpoint, **kwargs)
            except TransientError as exc:
                if attempt >= attempts:
                    raise
                delay = self._backoff(attempt, exc.retry_after)
                if delay > self.max_inline_wait:
                    raise
                logger.info(
                    "provider=%s endpoint=%r retry=%d in=%.2fs reason=%s",
                    self.kind,
                    endpoint,
                    attempt,
                    delay,
                    type(exc).__name__,
                )
                self.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return retry_after + random.uniform(0, 0.25)  # honour it, plus a little jitter
        return random.uniform(0, min(self.backoff_cap, self.backoff_base * 2**attempt))

    def _check_destination(self, request: httpx.Request) -> None:
        destinations.check(self.kind or self.account.kind, request.url)

    def _send_once(self, method: str, url: str, *, endpoint: str, **kwargs: Any) -> httpx.Response:
        # The account's secrets go with the request: never to a URL the deployment has not
        # allowed for this provider (raises ProviderConfigurationError, never retried).
        destinations.check(self.kind or self.account.kind, url)
        if self.rate_limit is not None:
            try:
                acquire(
                    self.limiter,
                    self.rate_limit_key(),
                    self.rate_limit,
                    sleep=self.sleep,
                    max_wait=self.max_rate_wait,
                    share=self.rate_share,
                )
            except RateLimitTimeout as exc:
                raise RateLimited(str(exc), provider=self.kind, retry_after=30) from exc
        started = time.perf_counter()
        try:
            response = self.client.request(method, url, **kwargs)
        except httpx.TimeoutException as exc:
            self._log(endpoint, "timeout", started)
            raise TransientError("timed out", provider=self.kind) from exc
        except httpx.TransportError as exc:
            self._log(endpoint, "unreachable", started)
            raise TransientError(
                f"could not connect ({type(exc).__name__})", provider=self.kind
            ) from exc
        self._log(endpoint, response.status_code, started)
        self.raise_for_status(response)
        return response

    def _log(self, endpoint: str, status: object, started: float) -> None:
        self.last_status = status if isinstance(status, int) else None
        logger.info(
            "provider=%s account=%r endpoint=%r status=%s latency_ms=%.0f",
            self.kind,
            self.account.name,
            endpoint,
            status,
            (time.perf_counter() - started) * 1000,
        )
        if self.account.id is not None:  # the staff's provider health
            callstats.record(self.account.id, status)

    # --- answers ------------------------------------------------------------------
    def raise_for_status(self, response: httpx.Response) -> None:
        status = response.status_code
        if status < 400:
            return
        payload = self.safe_json(response)
        message, code = self.error_message(payload, response)
        common = {"provider": self.kind, "status": status, "code": code, "payload": payload}
        if status == 429:
            raise TransientError(
                message or "rate limited",
                retry_after=parse_retry_after(response.headers.get("Retry-After")),
                **common,
            )
        if status >= 500 or status in (408, 425):
            raise TransientError(message or "provider error", **common)
        if status in (401, 403):
            raise AuthenticationError(message or "credentials refused", **common)
        if status == 404:
            raise NotFoundError(message or "not found", **common)
        raise RejectedError(message or f"refused (HTTP {status})", **common)

    def error_message(self, payload: Any, response: httpx.Response) -> tuple[str, str]:
        """(message for people, provider error code) from an error body. Override."""
        if isinstance(payload, dict):
            for key in ("message", "error", "detail", "title"):
                if isinstance(payload.get(key), str):
                    return payload[key], str(payload.get("code", ""))
        return "", ""

    @staticmethod
    def safe_json(response: httpx.Response) -> Any:
        try:
            return response.json()
        except ValueError:
            return None

    def json(self, response: httpx.Response, expect: type | tuple[type, ...] = (dict, list)) -> Any:
        """The body as JSON of the expected type, or ``MalformedResponseError``."""
        try:
            data = response.json()
        except ValueError as exc:
            raise MalformedResponseError(
                "answer is not JSON", provider=self.kind, status=response.status_code
            ) from exc
        if not isinstance(data, expect):
            raise MalformedResponseError(
                f"answer is {type(data).__name__}, not what the document describes",
                provider=self.kind,
                status=response.status_code,
            )
        return data

    def get_json(self, url: str, *, endpoint: str, **kwargs: Any) -> Any:
        return self.json(self.request("GET", url, endpoint=endpoint, **kwargs))

    def get_json_cached(self, url: str, *, endpoint: str, ttl: int, **kwargs: Any) -> Any:
        """``get_json`` through the cache (Redis in production) for ``ttl`` seconds.

        For raw answers that several calls share (reference lists, a room's feed read by
        many slot look-ups). The key is a hash of account, URL and parameters, so no
        secret is stored in it; only good answers are cached.
        """
        material = json.dumps(
            [self.kind, self.account.name, url, kwargs.get("params")], sort_keys=True, default=str
        )
        key = f"provider-raw:{hashlib.sha256(material.encode()).hexdigest()}"
        cached = cache.get(key)
        if cached is not None:
            return cached
        data = self.get_json(url, endpoint=endpoint, **kwargs)
        cache.set(key, data, ttl)
        return data


def malformed(provider: str, what: str) -> MalformedResponseError:
    return MalformedResponseError(what, provider=provider)


__all__ = [
    "AuthenticationError",
    "BaseAdapter",
    "MalformedResponseError",
    "NotFoundError",
    "ProviderConfigurationError",
    "RejectedError",
    "TransientError",
    "malformed",
    "parse_retry_after",
]
