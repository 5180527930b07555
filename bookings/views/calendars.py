"""Calendar files: a resource's busy times, a member's feed, one booking's event.

They answer GET and HEAD alike (``require_safe``): calendar apps and link checkers ask
HEAD first, and a 405 there reads as a broken link."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from bookings import availability, calendars, holds
from bookings.http import AuthenticatedHttpRequest
from bookings.models import Booking, FeedToken
from bookings.pagecache import KeptAnswers, made_of_all, tokens_now, within_a_day
from bookings.views.availability import days_made, provider_budget, resource_with_days
from providers import selectors

CALENDAR_TYPE = "text/calendar; charset=utf-8"
BUSY_FEED_DAYS = 14


def _ics_response(
    request: HttpRequest, body: bytes, *, filename: str, last_modified: dt.datetime | None
) -> HttpResponse:
    """An .ics answer with ETag / Last-Modified, answering 304 to a conditional GET."""
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    modified = int(last_modified.timestamp()) if last_modified else None
    not_modified = get_conditional_response(request, etag=etag, last_modified=modified)
    if not_modified is not None:
        return not_modified
    response = HttpResponse(body, content_type=CALENDAR_TYPE)
    response["ETag"] = etag
    if modified is not None:
        response["Last-Modified"] = http_date(modified)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    patch_cache_control(response, private=True, max_age=300)
    return response


# a room's busy feeds, kept with the entries they were made from (``KeptAnswers``)
_room_feeds = KeptAnswers(512)


@require_safe
@provider_budget  # a calendar app waits no longer than a page: unknown days have no blocks
def resource_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    kept = _room_feeds.value(request, "room-feed")
    if kept is None:
        kept = _room_feed(request, pk)
    body, stamp = kept
    return _ics_response(request, body, filename=f"room-{pk}.ics", last_modified=stamp)


def _room_feed(request: HttpRequest, pk: int) -> tuple[bytes, dt.datetime]:
    guess = dt.datetime.now(dt.UTC).date()  # the room's zone is not known yet
    resource, _version, read = resource_with_days(pk, guess, BUSY_FEED_DAYS)
    first = availability.local_today_for(resource.space.timezone)
    blocks: list[tuple[dt.datetime, dt.datetime]] = []
    stamps = []
    days = [first + dt.timedelta(days=offset) for offset in range(BUSY_FEED_DAYS)]
    answers = availability.resource_days(resource, days, read=read)
    for answer in answers:
        if answer.known:
            blocks.extend(calendars.merge_busy(answer.slots))
            stamps.append(answer.fetched_at)
    stamp = max(stamps) if stamps else timezone.now()
    body = calendars.kept_busy_feed(resource.name, resource.pk, blocks, stamp)
    _room_feeds.keep(request, "room-feed", days_made(resource, read, answers, first), (body, stamp))
    return body, stamp


@require_safe
def member_feed(request: HttpRequest, token: str) -> HttpResponse:
    kept = calendars.cached_feed_of_token(token)  # one query when the feed is kept
    if kept is None:
        raise Http404("unknown or revoked calendar link")
    body, last = kept
    return _ics_response(request, body, filename="bookings.ics", last_modified=last)


# one booking's event files, kept with the member's token and the catalogue version
_events = KeptAnswers(512)


@login_required
@require_safe
def booking_event(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    kept = _events.value(request, "booking-event")
    if kept is None:
        # read before the booking: every write of one of the member's bookings replaces
        # the member's token; the catalogue version names the room's and space's words
        tokens = tokens_now(
            {
                selectors.CATALOGUE_VERSION_KEY: None,
                holds.keys("member", request.user.pk)[0]: holds.KEEP_SECONDS,
            }
        )
        # another member's booking is "not found", not "forbidden": ids reveal nothing
        booking = get_object_or_404(
            Booking.objects.select_related("space", "resource", "offer"), pk=pk, member=request.user
        )
        body = calendars.booking_calendar(booking, cancel=booking.status == "cancelled")
        kept = (body, booking.updated_at)
        _events.keep(request, "booking-event", made_of_all(tokens, within_a_day(None)), kept)
    body, updated_at = kept
    return _ics_response(request, body, filename=f"booking-{pk}.ics", last_modified=updated_at)


@login_required
@require_POST
def renew_feed(request: AuthenticatedHttpRequest) -> HttpResponse:
    had_one = FeedToken.active(request.user) is not None
    FeedToken.renew(request.user)
    if had_one:
        messages.success(
            request,
            _(
                "Your calendar link is renewed. The old link no longer works: subscribe again "
                "with the new one."
            ),
        )
    else:
        messages.success(
            request, _("Your calendar link is on: subscribe to it in your calendar app.")
        )
    return redirect("profile")


@login_required
@require_POST
def revoke_feed(request: AuthenticatedHttpRequest) -> HttpResponse:
    FeedToken.revoke(request.user)
    messages.success(request, _("Your calendar link is turned off."))
    return redirect("profile")
