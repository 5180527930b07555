"""The bookings app's pages and endpoints, included at the root by portal.urls."""

from django.urls import path

from bookings.views import (
    availability,
    booking,
    calendars,
    exports,
    search,
    series,
    visits,
    waitlist,
)

urlpatterns = [
    # availability: a room's week and its slots, a pass's page and its days
    path("resources/<int:pk>/", availability.resource_detail, name="resource_detail"),
    path("resources/<int:pk>/day/", availability.resource_day, name="resource_day"),
    path("api/resources/<int:pk>/slots", availability.resource_slots, name="api_slots"),
    path("offers/<int:pk>/", availability.offer_detail, name="offer_detail"),
    path("api/offers/<int:pk>/days", availability.offer_days, name="api_offer_days"),
    # search: bookable items of every provider free in a time window
    path("api/search", search.api_search, name="api_search"),
    # booking: book, my bookings, one booking and what a member does with it
    path("resources/<int:pk>/book/", booking.book_resource, name="book_resource"),
    path("offers/<int:pk>/book/", booking.book_offer, name="book_offer"),
    path("bookings/", booking.my_bookings, name="my_bookings"),
    path("bookings/<int:pk>/", booking.booking_detail, name="booking_detail"),
    path("bookings/<int:pk>/cancel/", booking.cancel_booking, name="cancel_booking"),
    # check-in at the space, where the provider offers it, and the member's visits
    path("bookings/<int:pk>/check-in/", visits.check_in, name="check_in"),
    path("bookings/<int:pk>/check-out/", visits.check_out, name="check_out"),
    path("visits/", visits.my_visits, name="my_visits"),
    path(
        "bookings/<int:pk>/register/",
        booking.register_organization,
        name="register_organization",
    ),
    # waitlist: be told when a room, a pass or a search's place frees up
    path("waitlist/", waitlist.my_waitlist, name="my_waitlist"),
    path("waitlist/new/", waitlist.waitlist_new, name="waitlist_new"),
    path("waitlist/<int:pk>/drop/", waitlist.waitlist_drop, name="waitlist_drop"),
    # recurring bookings: every date previewed, then one booking each; the series' page
    path("resources/<int:pk>/book/series/", series.book_series, name="book_series"),
    path("series/<int:pk>/", series.series_detail, name="series_detail"),
    path("series/<int:pk>/cancel/", series.cancel_series, name="cancel_series"),
    path(
        "series/<int:pk>/bookings/<int:booking>/cancel/",
        series.cancel_series_booking,
        name="cancel_series_booking",
    ),
    # calendars: .ics files and the member's feed link
    path(
        "resources/<int:pk>/calendar.ics",
        calendars.resource_calendar,
        name="resource_calendar",
    ),
    path("calendar/<str:token>.ics", calendars.member_feed, name="member_feed"),
    path("bookings/<int:pk>/event.ics", calendars.booking_event, name="booking_event"),
    path("accounts/calendar/renew/", calendars.renew_feed, name="renew_feed"),
    path("accounts/calendar/revoke/", calendars.revoke_feed, name="revoke_feed"),
    # staff: bookings of a period for accounting (?from=YYYY-MM-DD&to=YYYY-MM-DD)
    path("staff/bookings.csv", exports.bookings_csv, name="bookings_export"),
]
