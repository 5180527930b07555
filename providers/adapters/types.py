"""The project's own types that adapters return. No provider JSON goes past an adapter."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from providers.messages import Message


@dataclass(frozen=True)
class AccountConfig:
    """What an adapter needs to talk to one provider account."""

    kind: str
    name: str
    config: dict[str, Any]  # base URLs and non-secret ids (see ProviderAccount.config)
    credentials: dict[str, Any]  # secrets; never logged
    id: int | None = None  # the ProviderAccount's, when saved (the staff's call counts)


@dataclass
class OpeningHours:
    weekday: int  # 0 = Monday
    opens: dt.time | None  # None with closes None: closed all day
    closes: dt.time | None  # 24:00 is written as dt.time(0, 0) with closes_next_day
    closes_next_day: bool = False


@dataclass
class ResourceData:
    external_id: str
    name: str
    kind: str  # ResourceKind value: meeting_room, desk, office
    description: str = ""
    capacity: int | None = None
    quantity: int = 1
    features: list[str] = field(default_factory=list)
    photos: list[str] = field(default_factory=list)
    rules: dict[str, Any] = field(default_factory=dict)
    price_hour: Decimal | None = None
    price_half_day: Decimal | None = None
    price_day: Decimal | None = None
    price_month: Decimal | None = None
    currency: str = ""
    raw: dict[str, Any] = field(default_factory=dict)  # ids/values later calls need


@dataclass
class OfferData:
    external_id: str
    name: str
    kind: str  # OfferKind value
    description: str = ""
    price: Decimal | None = None
    currency: str = ""
    price_unit: str = ""
    validity_days: int | None = None
    weekdays: list[int] = field(default_factory=list)
    min_persons: int = 1
    max_persons: int | None = None
    capacity: int | None = None
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass
class SpaceData:
    external_id: str
    name: str
    timezone: str
    description: str = ""
    address: str = ""
    city: str = ""
    country: str = ""
    country_code: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    opening_hours: list[OpeningHours] = field(default_factory=list)
    photos: list[str] = field(default_factory=list)
    amenities: list[str] = field(default_factory=list)  # provider's own names; sync normalizes
    contact: dict[str, str] = field(default_factory=dict)
    legal: list[dict[str, str]] = field(default_factory=list)
    resources: list[ResourceData] = field(default_factory=list)
    offers: list[OfferData] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass
class SkippedItem:
    """An item the adapter could not read; the rest of the catalogue still syncs."""

    where: str  # e.g. "room 42"
    reason: str


@dataclass
class Catalogue:
    spaces: list[SpaceData]
    skipped: list[SkippedItem] = field(default_factory=list)


# --- Availability -------------------------------------------------------------------


@dataclass(frozen=True)
class ItemRef:
    """What an adapter needs to ask about one catalogue item (built from the database)."""

    external_id: str
    kind: str
    timezone: str  # the space's IANA zone
    space_external_id: str
    raw: dict[str, Any] = field(default_factory=dict)
    space_raw: dict[str, Any] = field(default_factory=dict)
    rules: dict[str, Any] = field(default_factory=dict)
    quantity: int = 1


@dataclass
class ProviderDay:
    """What a provider says about one resource on one local day, translated.

    Either ``slots`` (the provider lists bookable slots itself, as Thia does) or ``open``
    windows plus ``busy`` intervals (Workways feed, Zentry schedule and reservations,
    4Spaces time options). All datetimes are aware.
    """

    slots: list[tuple[dt.datetime, dt.datetime, bool]] | None = None
    open: list[tuple[dt.datetime, dt.datetime]] = field(default_factory=list)
    busy: list[tuple[dt.datetime, dt.datetime]] = field(default_factory=list)
    capacity: int = 1  # bookings that may overlap (Zentry room quantity)


@dataclass
class PassDay:
    """A pass on one day: ``open`` (sold that day) and how many places are left (None:
    the provider does not count)."""

    day: dt.date
    open: bool
    remaining: int | None = None


# --- Booking ------------------------------------------------------------------------


@dataclass(frozen=True)
class Customer:
    """The member, as providers need them to book."""

    email: str
    first_name: str
    last_name: str
    phone: str = ""
    company: str = ""
    language: str = "en"  # "en" or "fr"
    # What we remember of this member at this provider account (a Workways organization
    # id, a Zentry user id...): filled from ProviderIdentity, updated from SubmitResult.
    identity: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class BookingRequest:
    """One booking as an adapter sees it. Times are aware; a pass covers whole local days
    from ``start`` (local midnight) for ``days`` days."""

    uid: str  # the portal's booking uid: send it where the provider keeps a reference
    kind: str  # "room", "pass", "inquiry"
    start: dt.datetime
    end: dt.datetime
    customer: Customer
    attendees: int = 1
    title: str = ""
    message: str = ""
    days: int = 1
    # provider references the portal already holds for OTHER bookings of this account
    # around this time: reconcile must not take one of those for this booking
    claimed: frozenset[str] = frozenset()
    # The portal holds it as made at the provider (confirmed; a cancellation staff have not
    # carried out yet): a read-back that no longer finds it means the provider dropped it.
    held: bool = False


@dataclass
class Quote:
    """The price a member sees before confirming."""

    total: Decimal | None
    currency: str
    # label (a Message, or the provider's words), amount
    lines: list[tuple[str | Message, Decimal]] = field(default_factory=list)
    note: str | Message = ""  # e.g. "prices include VAT"; stored via messages.stored()
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass
class SubmitResult:
    """What the provider said to a booking, translated.

    ``status``: "confirmed", "awaiting_registration", "awaiting_approval", "cancelled".
    """

    status: str
    reference: str = ""
    access_code: str = ""
    qr_url: str = ""
    valid_from: dt.datetime | None = None
    valid_to: dt.datetime | None = None
    next_step: str | Message = ""  # what the member must do now (messages.stored())
    identity: dict[str, Any] = field(default_factory=dict)  # to remember for this member
    reply: Any = None  # the provider's answer, kept in the booking's history
    staff_action: str = ""  # set when people must act (a request to confirm): staff are told
    # When the provider holds it now, where its read-back says (``refresh``): the re-check
    # compares them with the booking's times (None: the provider does not say).
    start: dt.datetime | None = None
    end: dt.datetime | None = None


@dataclass
class CheckInResult:
    """A check-in at the space, as the provider records it (Zentry ``CheckIn``)."""

    reference: str  # the provider's check-in id: what checking out names
    time_in: dt.datetime
    time_out: dt.datetime | None = None  # None: still checked in
    reply: Any = None  # the provider's answer, kept in the booking's history
