"""Strict parsing of settings from the environment.

Every reader takes the variable's name and a default that is safe on a laptop. A value
that is present but makes no sense raises ``ImproperlyConfigured`` naming the variable
and what was expected, so a typo fails at start instead of silently meaning "off"
(the ``envbool`` habit of healthchecks).
"""

from __future__ import annotations

import os
import zoneinfo
from collections.abc import Mapping
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _raw(name: str, environ: Mapping[str, str] | None) -> str | None:
    value = (os.environ if environ is None else environ).get(name)
    if value is None:
        return None
    value = value.strip()
    return value or None


def env_str(name: str, default: str = "", *, environ: Mapping[str, str] | None = None) -> str:
    value = _raw(name, environ)
    return default if value is None else value


def env_bool(name: str, default: bool, *, environ: Mapping[str, str] | None = None) -> bool:
    value = _raw(name, environ)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a boolean: use one of {sorted(_TRUE | _FALSE)}."
    )


def env_int(
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    value = _raw(name, environ)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} must be at least {minimum}.")
    return number


def env_list(
    name: str, default: list[str], *, environ: Mapping[str, str] | None = None
) -> list[str]:
    value = _raw(name, environ)
    if value is None:
        return list(default)
    items = [item.strip() for item in value.split(",")]
    if any(not item for item in items):
        raise ImproperlyConfigured(
            f"{name}={value!r} has an empty item: use a comma-separated list such as "
            "'example.com,www.example.com'."
        )
    return items


def env_url(
    name: str,
    default: str,
    *,
    schemes: tuple[str, ...],
    environ: Mapping[str, str] | None = None,
) -> str:
    """A URL whose scheme is one of ``schemes``; the trailing slash is dropped."""
    value = _raw(name, environ)
    url = default if value is None else value
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={url!r} is not a valid URL: {exc}.") from None
    if parts.scheme not in schemes:
        raise ImproperlyConfigured(
            f"{name}={url!r} must start with one of {', '.join(s + '://' for s in schemes)}."
        )
    if parts.scheme in {"http", "https", "redis", "rediss"} and not parts.hostname:
        raise ImproperlyConfigured(f"{name}={url!r} has no host name.")
    return url.rstrip("/")


def env_url_prefixes(
    name: str,
    default: list[str],
    *,
    schemes: tuple[str, ...] = ("https", "http"),
    environ: Mapping[str, str] | None = None,
) -> list[str]:
    """A comma-separated list of URL prefixes (``https://host[:port][/path]``), each with a
    host and one of ``schemes``, and no user, query or fragment: what an allow-list of
    destinations compares a URL's start with. Trailing slashes are dropped."""
    prefixes = []
    for url in env_list(name, default, environ=environ):
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 - raises ValueError on a port that is not a number
        except ValueError as exc:
            raise ImproperlyConfigured(f"{name}: {url!r} is not a valid URL: {exc}.") from None
        if parts.scheme not in schemes or not parts.hostname:
            raise ImproperlyConfigured(
                f"{name}: {url!r} must be an absolute URL starting with one of "
                f"{', '.join(s + '://' for s in schemes)}, such as 'https://api.example.com/v1'."
            )
        if parts.username is not None or "?" in url or "#" in url:
            raise ImproperlyConfigured(
                f"{name}: {url!r} must be a URL prefix without a user, query or fragment."
            )
        prefixes.append(url.rstrip("/"))
    return prefixes


def env_names(prefix: str, *, environ: Mapping[str, str] | None = None) -> list[str]:
    """The names of the variables that start with ``prefix`` and are set (not blank)."""
    source = os.environ if environ is None else environ
    return sorted(n for n in source if n.startswith(prefix) and _raw(n, source) is not None)


def env_timezone(name: str, default: str, *, environ: Mapping[str, str] | None = None) -> str:
    value = env_str(name, default, environ=environ)
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(
            f"{name}={value!r} is not an IANA time zone such as 'Europe/Paris' or 'UTC'."
        ) from None
    return value


_EMAIL_BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtps": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
}


def env_email(
    name: str, default: str, *, environ: Mapping[str, str] | None = None
) -> dict[str, object]:
    """Django's EMAIL_* settings from one URL.

    ``smtp://user:password@host:587?tls=true`` (STARTTLS), ``smtps://user:password@host:465``
    (implicit TLS), ``console://``, ``file:///absolute/folder``, ``locmem://``, ``dummy://``.
    Written here because dj-email-url knows neither ``locmem`` nor absolute file paths.
    """
    url = env_str(name, default, environ=environ)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} is not a valid URL: {exc}.") from None
    backend = _EMAIL_BACKENDS.get(parts.scheme)
    if backend is None:
        raise ImproperlyConfigured(
            f"{name} must start with one of {', '.join(s + '://' for s in _EMAIL_BACKENDS)}."
        )
    query = {key: values[-1].lower() for key, values in parse_qs(parts.query).items()}
    settings: dict[str, object] = {"EMAIL_BACKEND": backend}
    if parts.scheme in {"smtp", "smtps"}:
        if not parts.hostname:
            raise ImproperlyConfigured(f"{name} has no host name.")
        settings.update(
            EMAIL_HOST=parts.hostname,
            EMAIL_PORT=port or (465 if parts.scheme == "smtps" else 25),
            EMAIL_HOST_USER=unquote(parts.username or ""),
            EMAIL_HOST_PASSWORD=unquote(parts.password or ""),
            EMAIL_USE_SSL=parts.scheme == "smtps",
            EMAIL_USE_TLS=query.get("tls", "false") in _TRUE,
        )
    if parts.scheme == "file":
        if not parts.path.startswith("/") or parts.netloc:
            raise ImproperlyConfigured(f"{name} must be file:///absolute/folder.")
        settings["EMAIL_FILE_PATH"] = parts.path
    return settings
