"""What each provider declares about itself, in one place (its package's ``SPEC``).

The admin, the demo set-up, the API, views and templates read these declarations instead
of testing a provider's name: adding a provider is its own package plus one line in
``providers.registry.VENDORS``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import import_module
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from providers.adapters.base import ProviderAdapter
    from providers.ratelimit import Limit


@dataclass(frozen=True)
class ConfigField:
    """One non-secret setting of an account (a base URL, an id).

    ``type="api_url"``: the adapter sends requests, with the account's secrets, under this
    URL, so it must be on the deployment's allow-list (``providers.adapters.destinations``).
    The staff form has one typed field per setting (``providers.forms``): ``choice`` offers
    ``choices`` ((value, label) pairs), ``bool`` is a check box.
    """

    name: str
    label: StrOrPromise
    help_text: StrOrPromise = ""
    type: Literal["api_url", "url", "text", "email", "int", "choice", "bool"] = "text"
    required: bool = True
    choices: tuple[tuple[str, StrOrPromise], ...] = ()


@dataclass(frozen=True)
class SecretField:
    """One credential, encrypted at rest and write-only in the admin."""

    name: str
    label: StrOrPromise
    help_text: StrOrPromise = ""
    required: bool = True


@dataclass(frozen=True)
class Capabilities:
    """What the provider's documents let the portal do."""

    cancel: bool = False  # an API call cancels a booking at the provider
    approval: bool = False  # bookings may wait for the space's approval
    approve: bool = False  # staff approval is sent to the provider (else it is local only)
    registration: bool = False  # members register their organization online
    quotes: bool = False  # the provider prices a booking before it is made
    passes: bool = False  # day passes, desks, memberships
    multi_day_passes: bool = False  # one pass booking may cover several days
    office_inquiries: bool = False  # private offices are asked for, not booked
    reads_back: bool = False  # a booking can be read back from the provider
    # The provider's availability shows the bookings made there (False: only the portal
    # knows a slot is taken, so its live bookings must keep holding it).
    reflects_bookings: bool = True
    # Members check in and out at the space through the API (Zentry ``POST
    # /CheckIn/create`` and ``/CheckIn/{id}/check-out``, seed 003).
    check_in: bool = False


@dataclass(frozen=True)
class BookingRules:
    """Booking rules a provider's documents state for all of its spaces (None: they say
    nothing). A room's own values from the catalogue (``Resource.rules``, an offer's
    ``raw["rules"]``) come first; ``bookings.rules.limits`` is the one reading of both."""

    notice_minutes: int | None = None  # how soon before the start a booking may be made
    horizon_days: int | None = None  # how far ahead a booking may start
    buffer_minutes: int | None = None  # kept free before and after every booking
    free_cancellation_hours: int | None = None  # free cancellation until this many hours before


@dataclass(frozen=True)
class ProviderSpec:
    kind: str  # the value stored in ProviderAccount.kind
    label: str  # the provider's name as members see it
    adapter: str  # dotted path of the adapter class
    documents: tuple[str, ...]  # the seed documents in ../shared/seeds/ it is built from
    config_fields: tuple[ConfigField, ...] = ()
    # The production API URLs its documents give: where its ``api_url`` fields may point
    # unless the deployment says otherwise (``PROVIDER_URLS_<KIND>``).
    base_urls: tuple[str, ...] = ()
    secret_fields: tuple[SecretField, ...] = ()
    capabilities: Capabilities = Capabilities()
    booking_rules: BookingRules = BookingRules()
    rate_limit: Limit | None = None  # the documented limit per credential
    # How long the space usually takes to answer a request, where a document says.
    expected_answer_hours: int | None = None
    # Member-facing texts of this provider's answers, by message code (gettext_lazy).
    messages: Mapping[str, Any] = field(default_factory=dict)

    def adapter_class(self) -> type[ProviderAdapter]:
        module, _, name = self.adapter.rpartition(".")
        return getattr(import_module(module), name)

    @property
    def config_names(self) -> frozenset[str]:
        return frozenset(f.name for f in self.config_fields)

    @property
    def api_url_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.config_fields if f.type == "api_url")

    @property
    def secret_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.secret_fields)
