"""The 4Spaces adapter (seed ``004_a5945c39ebd5aa5e.txt``), composed of its jobs.

``client`` (the organization call and ServiceStack errors) under ``things`` (services and
nested things), ``catalogue``, ``availability``, ``prices`` and ``booking`` (requests that
staff confirm by hand).
"""

from __future__ import annotations

from providers.vendors.fourspaces.availability import AvailabilityMixin
from providers.vendors.fourspaces.booking import BookingMixin
from providers.vendors.fourspaces.catalogue import CatalogueMixin
from providers.vendors.fourspaces.prices import PricesMixin


class FourSpacesAdapter(CatalogueMixin, AvailabilityMixin, PricesMixin, BookingMixin):
    """4Spaces organization API: one account is one organization."""
