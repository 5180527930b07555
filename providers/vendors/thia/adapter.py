"""The Thia adapter, composed from its jobs (seed ``000_625ed28ef0e2e084.txt``).

Each mixin is one job of the Partner API on top of ``ThiaClient`` (the HTTP side):
the catalogue, availability, prices, bookings, the access codes they become, and the
meeting-room slot labels.
"""

from __future__ import annotations

from providers.vendors.thia.availability import AvailabilityMixin
from providers.vendors.thia.booking import BookingMixin
from providers.vendors.thia.catalogue import CatalogueMixin
from providers.vendors.thia.codes import CodesMixin
from providers.vendors.thia.prices import PricesMixin
from providers.vendors.thia.slots import SlotsMixin


class ThiaAdapter(
    CatalogueMixin,
    AvailabilityMixin,
    PricesMixin,
    BookingMixin,
    CodesMixin,
    SlotsMixin,
):
    """Thia Partner API: one space per API key pair."""
