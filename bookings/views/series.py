"""Recurring bookings: the preview of every date (free, taken or unknown) before the
member confirms, the series page, and cancelling one date or all future ones."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from bookings import availability, recurrence, services
from bookings.forms import RoomBookingForm, with_form_key
from bookings.http import AuthenticatedHttpRequest
from bookings.models import BookingSeries, Kind, Status
from bookings.services import series as series_services
from bookings.views.availability import provider_budget
from bookings.views.booking import _profile_gate, _terms_only_to_confirm
from providers import selectors


@login_required
@provider_budget
def book_series(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET: every date of the series with its state, and the confirm button; POST: book
    the series (each free date as a booking of its own)."""
    resource = get_object_or_404(selectors.visible_resources(), pk=pk)
    if gate := _profile_gate(request):
        return gate
    confirming = request.method == "POST"
    form = RoomBookingForm(
        with_form_key(request.POST if confirming else request.GET), resource=resource
    )
    _terms_only_to_confirm(form, confirming)
    context = {"form": form, "item": resource, "space": resource.space, "planned": None}
    if not form.is_valid():
        return _preview(request, context, 400)
    if not form.repeats():
        form.add_error("repeat", _("Choose daily, weekly or every two weeks."))
        return _preview(request, context, 400)
    if confirming and (made := _made_by_form(request, form)):
        return _series_made(request, services.replay(made))
    start, end = form.bounds()
    data = form.cleaned_data
    try:
        rule = series_services.rule_for(
            resource, start, data["minutes"], data["repeat"], data["until"]
        )
        series_services.check_series(request.user, resource, rule, data["attendees"])
        if confirming:
            quote = services.quote_for(
                resource,
                services.preview_request(
                    request.user,
                    resource,
                    Kind.ROOM,
                    start,
                    end,
                    attendees=data["attendees"],
                    title=data["title"],
                ),
            )
            made = series_services.series_create(
                member=request.user,
                resource=resource,
                rule=rule,
                attendees=data["attendees"],
                title=data["title"],
                quote=quote,
                idempotency_key=form.key(),
            )
            return _series_made(request, made)
        planned = series_services.plan(resource, rule)
    except services.BookingError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return _preview(request, context, exc.status)
    context.update(
        planned=planned,
        rule=rule,
        capped=recurrence.capped(rule),
        free=sum(p.state == availability.FREE for p in planned),
        unknown=sum(p.state == availability.UNKNOWN for p in planned),
        not_free=sum(p.state in (availability.TAKEN, availability.CLOSED) for p in planned),
        checking=any(p.pending for p in planned),
        back=f"{reverse('book_resource', args=[resource.pk])}?{request.GET.urlencode()}",
    )
    return _preview(request, context, 200)


def _preview(request: AuthenticatedHttpRequest, context: dict, status: int) -> HttpResponse:
    partial = bool(request.htmx) and request.method == "GET" and status == 200
    template = "bookings/partials/series_dates.html" if partial else "bookings/series_preview.html"
    return render(request, template, context, status=status)


def _made_by_form(request: AuthenticatedHttpRequest, form: RoomBookingForm):
    key = form.key()
    if key is None:
        return None
    return BookingSeries.objects.filter(member=request.user, idempotency_key=key).first()


def _series_made(request: AuthenticatedHttpRequest, made: BookingSeries) -> HttpResponse:
    if services.replayed(made):
        messages.info(request, _("You already sent this form: here is your series."))
    elif not (booked := made.occurrences.count()):
        messages.warning(request, _("No date of this series was free: nothing is booked."))
    else:
        messages.success(
            request,
            ngettext(
                "%(n)s date is booked; each one is being sent to the provider.",
                "%(n)s dates are booked; each one is being sent to the provider.",
                booked,
            )
            % {"n": booked},
        )
    return redirect("series_detail", pk=made.pk)


def _mine(request: AuthenticatedHttpRequest):
    return BookingSeries.objects.filter(member=request.user).select_related("resource__space")


def _series_page(
    request: AuthenticatedHttpRequest, series: BookingSeries, status: int = 200
) -> HttpResponse:
    rows = series_services.rows(series)
    now = timezone.now()
    context = {
        "series": series,
        "rows": rows,
        "sending": series_services.still_sending(series),
        "space": series.resource.space,
        # a future date the member may still cancel: "Cancel all future dates" shows
        "future": any(r.booking and r.start > now and r.booking.member_can_cancel for r in rows),
    }
    template = "bookings/partials/series_status.html" if request.htmx else "bookings/series.html"
    return render(request, template, context, status=status)


@login_required
@never_cache  # the page lists the member's bookings: no copy kept anywhere
def series_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    # another member's series answers 404: its id tells nothing
    return _series_page(request, get_object_or_404(_mine(request), pk=pk))


@login_required
@require_POST
def cancel_series(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Cancel every future date of the series."""
    series = get_object_or_404(_mine(request), pk=pk)
    done, refused = series_services.cancel_future(series, actor=request.user)
    for booking, reason in refused:
        messages.error(request, f"{booking.start:%Y-%m-%d}: {reason}")
    if series.occurrences.filter(status=Status.CANCELLATION_REQUESTED).exists():
        messages.info(request, _("Your cancellation is with our staff; we will email you."))
    if done:
        messages.success(
            request,
            ngettext("%(n)s future date is cancelled.", "%(n)s future dates are cancelled.", done)
            % {"n": done},
        )
    elif not refused:
        messages.info(request, _("There is no future date left to cancel."))
    if refused and not done:
        return _series_page(request, series, status=409)
    return redirect("series_detail", pk=series.pk)


@login_required
@require_POST
def cancel_series_booking(request: AuthenticatedHttpRequest, pk: int, booking: int):
    """Cancel one date of the series; the others stay booked."""
    series = get_object_or_404(_mine(request), pk=pk)
    occurrence = get_object_or_404(series.occurrences.select_related("space__account"), pk=booking)
    try:
        services.cancel(
            occurrence,
            actor=request.user,
            actor_label="member",
            reason="cancelled by the member (one date of a series)",
        )
    except services.BookingError as exc:
        messages.error(request, exc.message)
        return _series_page(request, series, status=exc.status)
    if occurrence.status == Status.CANCELLATION_REQUESTED:
        messages.info(request, _("Your cancellation is with our staff; we will email you."))
    else:
        messages.success(request, _("This date is cancelled; the others stay booked."))
    return redirect("series_detail", pk=series.pk)
