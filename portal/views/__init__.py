"""The portal's own pages, grouped by feature: site (home, errors), accounts, health,
catalogue (pages and JSON API). Booking pages are bookings.views'."""
