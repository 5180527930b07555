"""The staff console's Today page: what staff need every morning, computed here and only
rendered by the admin site (``portal.admin_site``).

- ``schedule``: bookings starting today and tomorrow per space, in the space's zone;
- ``queue``: what needs a person, most urgent first, with the action that resolves it;
- ``health``: how each provider account is doing (syncs, errors and 429s of the hour);
- ``chart``: bookings per day per provider, last and next 14 days, as SVG geometry.
"""
