"""The Zentry adapter, composed from one mixin per job.

Workspaces API (``002_b74326c229a2377d.txt``) for the catalogue and opening facts,
CheckIns API (``003_c7b0553c6c4180e6.txt``) for prices, reservations and bookings:

* ``client`` — base URLs, the ``Api-Key`` header, paged searches, ProblemDetails errors;
* ``catalogue`` — locations, day passes and rooms;
* ``availability`` — ``day_facts`` (rooms) and ``pass_days`` (day passes), with
  ``schedules`` and ``recurrence`` (closures);
* ``prices`` — ``quote`` from the user-cost previews;
* ``reservations`` — who books, the create bodies, reading a Reservation back;
* ``booking`` — ``submit``, ``find_existing``, ``refresh``, ``cancel``;
* ``checkins`` — ``check_in`` and ``check_out`` at the space.
"""

from __future__ import annotations

from providers.vendors.zentry.availability import AvailabilityMixin
from providers.vendors.zentry.booking import BookingMixin
from providers.vendors.zentry.catalogue import CatalogueMixin
from providers.vendors.zentry.checkins import CheckInsMixin
from providers.vendors.zentry.prices import PricesMixin


class ZentryAdapter(CatalogueMixin, AvailabilityMixin, PricesMixin, BookingMixin, CheckInsMixin):
    """Zentry Workspaces and CheckIns APIs (see the modules named above)."""
