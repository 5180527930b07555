"""Member-facing words about a provider's answer, as a code with parameters.

Adapters say *what* happened (``Message("thia.show_code")``); the words are looked up
through gettext where they are shown, so every member reads them in their own language.
Codes of one provider are ``<kind>.<name>`` and live in its ``SPEC.messages``; codes
shared by all providers have no prefix and live in ``SHARED`` below. A message may carry
the provider's own words (``Message("provider_says", {"text": ...})``): those stay as the
provider wrote them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from providers import registry

SHARED: dict[str, Any] = {
    "provider_says": "%(text)s",
    "price_on_request": _("Price on request: the space confirms it."),
    "provider_price": _("Price computed by the provider."),
    "availability_unpublished": _("This provider does not publish availability for it."),
    "availability_unanswered": _(
        "The provider is not answering right now, so availability is unknown."
    ),
    "availability_slow": _("The provider is slow to answer; availability is unknown."),
    # our share of the provider's rate limit for browsing is spent (bookings keep the rest)
    "availability_busy": _(
        "Availability cannot be checked right now (too many requests to this provider). "
        "Try again in a minute."
    ),
    # the periodic re-check found a booking gone at the provider
    "space_cancelled": _("The space cancelled this booking."),
    # a booking the worker gave up on (staff are told)
    "booking_failed": _(
        "We could not place this booking with the provider. Our team has been told and "
        "will contact you."
    ),
    # the times were taken at the provider between the page and the booking
    "slots_taken": _("Some of these times are no longer free. Please pick other times."),
    # the lines of a price (``Quote.lines``' labels), in the reader's language
    "price.minutes": _("%(n)s min"),
    "price.hours": _("%(h)s h"),
    "price.hours_minutes": _("%(h)s h %(m)s min"),
    "price.days": _("%(days)s × %(unit)s per day"),  # noqa: RUF001
    "price.people": _("%(n)s people"),
    "price.minimum": _("minimum charge"),
    "price.vat": _("VAT %(rate)s %%"),
    "price.month": _("1 month"),
    "price.room_full_day": _("Meeting room, full-day price"),
    "price.room_hours": _("Meeting room, %(h)s h"),
    "price.day_pass": _("Day pass"),
    "price.fee": _("Fee"),
    "price.fees": _("Fees"),
    "price.taxes": _("Taxes"),
}

_PREFIX = "msg:"


@dataclass(frozen=True)
class Message:
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def text(self) -> str:
        """The words in the active language."""
        template = _template(self.code)
        if template is None:
            return self.params.get("text", "") or self.code
        try:
            return str(template) % self.params if self.params else str(template)
        except (KeyError, TypeError, ValueError):
            return str(template)

    def __str__(self) -> str:
        return self.text()

    def dumps(self) -> str:
        """The form kept in a text column: rendered again in each reader's language."""
        return _PREFIX + json.dumps({"code": self.code, "params": self.params}, default=str)

    @classmethod
    def loads(cls, stored: str) -> Message | None:
        if not stored.startswith(_PREFIX):
            return None
        try:
            data = json.loads(stored[len(_PREFIX) :])
            return cls(str(data["code"]), dict(data.get("params") or {}))
        except (ValueError, KeyError, TypeError):
            return None


def provider_words(text: str) -> Message:
    """The provider's own words (a refusal's reason), shown as written."""
    return Message("provider_says", {"text": text})


def _template(code: str) -> Any:
    if code in SHARED:
        return SHARED[code]
    kind, dot, name = code.partition(".")
    if not dot:
        return None
    try:
        return registry.spec(kind).messages.get(name)
    except KeyError:
        return None


def stored(value: Message | str | None) -> str:
    """What to keep in a text column for ``value``."""
    if value is None:
        return ""
    return value.dumps() if isinstance(value, Message) else str(value)


def render(value: Message | str | None) -> str:
    """Words for a member from a ``Message``, its stored form, or plain text."""
    if value is None:
        return ""
    if isinstance(value, Message):
        return value.text()
    message = Message.loads(value)
    return message.text() if message else value
