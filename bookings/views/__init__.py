"""Members' booking pages and endpoints, grouped by feature: availability (a room's week
and its slots API, a pass's page and its days API), booking (book, my bookings, one
booking, cancel, register) and calendars (the .ics files and the member's feed link)."""
