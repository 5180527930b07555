"""Checking in and out at the space, and the member's visits (where the provider offers
check-in: ``Capabilities.check_in``). Parse and render only: ``services.check_in``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bookings import holds, member_rows, services
from bookings.http import AuthenticatedHttpRequest
from bookings.models import Booking, Visit
from bookings.pagecache import KeptAnswers, made_of_all, render_kept, tokens_now, within_a_day
from providers import selectors


def _booking(request: AuthenticatedHttpRequest, pk: int) -> Booking:
    # another member's booking answers 404: its id tells nothing
    rows = Booking.objects.filter(member=request.user).select_related(
        "space__account", "resource", "offer"
    )
    return get_object_or_404(rows, pk=pk)


def _refused(request: AuthenticatedHttpRequest, booking: Booking, exc) -> HttpResponse:
    messages.error(request, exc.message)
    return render(request, "bookings/detail.html", {"booking": booking}, status=exc.status)


@login_required
@require_POST
def check_in(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    booking = _booking(request, pk)
    try:
        services.check_in(booking, member=request.user)
    except services.BookingError as exc:
        return _refused(request, booking, exc)
    messages.success(request, _("You are checked in. Enjoy your visit."))
    return redirect("booking_detail", pk=booking.pk)


@login_required
@require_POST
def check_out(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    booking = _booking(request, pk)
    visit = get_object_or_404(Visit.objects.filter(member=request.user), booking=booking)
    try:
        services.check_out(visit, member=request.user)
    except services.BookingError as exc:
        return _refused(request, booking, exc)
    messages.success(request, _("You are checked out. See you soon."))
    return redirect("booking_detail", pk=booking.pk)


# "My visits", kept with the tokens it was made from (``KeptAnswers``)
_lists = KeptAnswers(256)


@login_required
def my_visits(request: AuthenticatedHttpRequest) -> HttpResponse:
    if (kept := _lists.get(request, "my-visits")) is not None:
        return kept
    # what the page shows, read before it: the member's visits, their bookings' titles
    # (the member's bookings token) and the names of rooms and spaces (the catalogue);
    # nothing on it moves with the clock
    tokens = tokens_now(
        {
            **member_rows.timeouts(member_rows.VISITS, request.user.pk),
            holds.keys("member", request.user.pk)[0]: holds.KEEP_SECONDS,
            selectors.CATALOGUE_VERSION_KEY: None,
        }
    )
    visits = (
        Visit.objects.filter(member=request.user)
        .select_related("booking__space", "booking__resource", "booking__offer")
        # what the list shows: the joined rows' every column made compiling the query
        # most of the page's time
        .only(*_SHOWN)
        .order_by("-checked_in_at")[:100]
    )
    made = made_of_all(tokens, within_a_day(None))
    return render_kept(
        request,
        "bookings/visits.html",
        {"visits": visits},
        None,
        answers=_lists,
        name="my-visits",
        made=made,
    )


_SHOWN = (
    "checked_in_at",
    "checked_out_at",
    "booking__title",
    "booking__resource__name",
    "booking__offer__name",
    "booking__space__name",
    "booking__space__city",
    "booking__space__timezone",
)
