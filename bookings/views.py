"""Members' booking pages: my bookings, one booking (its status updates live)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from bookings.models import FINAL, Booking


def _mine(request: HttpRequest):
    return Booking.objects.filter(member=request.user).select_related(
        "space__account", "resource", "offer"
    )


@login_required
def my_bookings(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    bookings = _mine(request)
    context = {
        "upcoming": bookings.filter(end__gt=now).exclude(status__in=FINAL).order_by("start"),
        "past": bookings.filter(end__lte=now).order_by("-start")[:50],
        "ended": bookings.filter(end__gt=now, status__in=FINAL).order_by("-updated_at")[:20],
    }
    return render(request, "bookings/list.html", context)


@login_required
def booking_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # another member's booking answers 404: its id tells nothing
    booking = get_object_or_404(_mine(request), pk=pk)
    context = {"booking": booking, "events": booking.events.all()}
    if request.htmx:
        return render(request, "bookings/partials/status.html", context)
    return render(request, "bookings/detail.html", context)
