"""The Workways adapter, composed of its jobs (seed ``001_880c9b30cd55c5d4.txt``).

Each mixin lives in the module of its job and sits on ``WorkwaysClient`` (the HTTP side,
``client.py``): ``catalogue.py``, ``availability.py`` (with the ICS feed of ``feed.py``),
``prices.py``, ``booking.py`` (meeting requests, reconcile, refresh, cancel),
``registration.py`` and ``organizations.py`` (office inquiries).
"""

from __future__ import annotations

from providers.vendors.workways.availability import AvailabilityMixin
from providers.vendors.workways.booking import BookingMixin
from providers.vendors.workways.catalogue import CatalogueMixin
from providers.vendors.workways.prices import PricesMixin


class WorkwaysAdapter(CatalogueMixin, AvailabilityMixin, PricesMixin, BookingMixin):
    """Workways Public API: meeting requests, organization registration, office inquiries."""
