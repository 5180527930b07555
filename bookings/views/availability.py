"""Availability pages and endpoints: slots of a room, days of a pass, week calendars."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from bookings import availability, rules
from bookings.forms import length_choices
from bookings.http import HtmxHttpRequest
from bookings.pagecache import KeptAnswers, Made, made_of, made_of_all, render_kept, tokens_now
from bookings.rules import MAX_DAYS_AHEAD
from bookings.views.api import bad_parameter, empty_parameter, read_only, unknown_parameter
from providers import selectors
from providers.models import Offer, Resource

MAX_PASS_RANGE = 62
# what the JSON endpoints take (portal/openapi.py documents each)
SLOTS_PARAMETERS = ("date",)
DAYS_PARAMETERS = ("from", "to")


class BadDate(ValueError):
    """A date parameter that cannot be read or is out of range; ``parameter`` names it."""

    def __init__(self, message: str, parameter: str = "date"):
        super().__init__(message)
        self.parameter = parameter


local_today = availability.local_today_for


def parse_day(raw: str | None, tz: str, *, name: str = "date", allow_past: bool = False) -> dt.date:
    if not raw:
        raise BadDate(_("%(name)s is required, as YYYY-MM-DD.") % {"name": name}, name)
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        raise BadDate(_("%(name)s must be a date as YYYY-MM-DD.") % {"name": name}, name) from None
    today = local_today(tz)
    if day < today and not allow_past:
        raise BadDate(
            _("%(name)s is in the past (today is %(today)s in %(tz)s).")
            % {"name": name, "today": today.isoformat(), "tz": tz},
            name,
        )
    if day < today - dt.timedelta(days=MAX_DAYS_AHEAD):
        raise BadDate(_("%(name)s is more than a year ago.") % {"name": name}, name)
    if day > today + dt.timedelta(days=MAX_DAYS_AHEAD):
        raise BadDate(_("%(name)s is more than a year ahead.") % {"name": name}, name)
    return day


def allowance_for(request: HttpRequest) -> availability.Allowance:
    """The provider work this request may trigger: ``PAGE_PROVIDER_MAX_ITEM_DAYS``; and for
    an anonymous visitor also ``ANON_PROVIDER_ITEM_DAYS_PER_MINUTE`` per address, so
    browsing cannot spend what members' pages need (the rest is left to workers)."""
    per_request = settings.PAGE_PROVIDER_MAX_ITEM_DAYS
    if request.user.is_authenticated:
        return availability.Allowance(per_request)
    return availability.Allowance(
        per_request,
        client=f"anon:{request.META.get('REMOTE_ADDR', '')}",
        per_client=settings.ANON_PROVIDER_ITEM_DAYS_PER_MINUTE,
    )


def provider_budget(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The view waits on a provider's availability at most ``PAGE_PROVIDER_BUDGET_MS``, on
    providers in all at most ``PAGE_PROVIDER_TOTAL_MS``, and asks them within
    ``allowance_for(request)``."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        with availability.page_work(allowance_for(request)):
            return view(request, *args, **kwargs)

    return wrapped


def _resource(pk: int) -> tuple[Resource, str | None]:
    """The room and the catalogue version it was read with; 404 when not visible."""
    resource, version = selectors.visible_item_and_version(Resource, pk)
    if resource is None:
        raise Http404("no such room")
    return resource, version


def resource_with_days(pk: int, first: dt.date, count: int) -> tuple[Resource, str | None, dict]:
    """``_resource``, with the facts and holds of ``count`` days from ``first`` read in the
    same round trip. The days are a guess made before the room's zone is known (a UTC
    date, a day either side): a day the guess missed is read afterwards."""
    days = [first + dt.timedelta(days=n) for n in range(-1, count + 1)]
    resource, version, read = selectors.visible_item_reading(
        Resource, pk, availability.days_keys(pk, days)
    )
    if resource is None:
        raise Http404("no such room")
    return resource, version, read


def _offer(pk: int) -> tuple[Offer, str | None]:
    offer, version = selectors.visible_item_and_version(Offer, pk)
    if offer is None:
        raise Http404("no such pass")
    return offer, version


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


# the slots API's answers, kept with the entries they were made from (``KeptAnswers``)
_slots_answers = KeptAnswers(2048)


@read_only
@provider_budget
def resource_slots(request: HttpRequest, pk: int) -> HttpResponse:
    if (kept := _slots_answers.get(request, "api:slots")) is not None:
        return kept
    try:  # the day's facts and holds are read with the room: one round trip when warm
        also = availability.day_keys(pk, dt.date.fromisoformat(request.GET.get("date", "")))
    except ValueError:
        also = []  # the date is checked below, with the room's zone
    resource, _version, read = selectors.visible_item_reading(Resource, pk, also)
    if resource is None:
        return JsonResponse({"error": "no such resource"}, status=404)
    if refused := unknown_parameter(request, SLOTS_PARAMETERS) or empty_parameter(request):
        return refused
    tz = resource.space.timezone
    try:
        day = parse_day(request.GET.get("date"), tz)
    except BadDate as exc:
        return bad_parameter(exc.parameter, str(exc))
    if refusal := rules.horizon_refusal(rules.limits(resource), day, local_today(tz)):
        return bad_parameter("date", refusal)
    answer = availability.resource_day(resource, day, read=read)
    body = _slots_body(resource.pk, day, answer)
    if answer.source == "cached":
        made = made_of(read, availability.made_of_keys(resource.pk), answer.good_until)
        _slots_answers.put(request, "api:slots", made, body, JSON_TYPE)
    return HttpResponse(body, content_type=JSON_TYPE)


JSON_TYPE = "application/json"


def _slots_body(pk: int, day: dt.date, answer: availability.DayAnswer) -> bytes:
    return json.dumps(
        {
            "resource": pk,
            "date": day.isoformat(),
            "timezone": answer.timezone,
            "status": "known" if answer.known else "unknown",
            "message": answer.message or None,
            "slots": [
                {
                    "start": s.start.isoformat(),
                    "end": s.end.isoformat(),
                    "available": s.available,
                    **({"remaining": s.remaining} if s.remaining is not None else {}),
                }
                for s in answer.slots
            ],
            "source": answer.source,
            "fetched_at": _iso(answer.fetched_at),
        },
        cls=DjangoJSONEncoder,
    ).encode()


# pass pages and the days API, kept with the tokens they were made from (``KeptAnswers``)
_pass_answers = KeptAnswers(1024)


def _pass_answer(
    offer: Offer, version: str | None, start: dt.date, end: dt.date
) -> tuple[availability.PassAnswer, Made | None]:
    """``pass_days``, and what it is made of: the offer as read with ``version``, and the
    offer's tokens, read here before the answer is made."""
    tokens = tokens_now(availability.pass_made_of(offer.pk))
    answer = availability.pass_days(offer, start, end)
    if tokens is None or version is None or answer.source != "cached":
        return answer, None
    read = {selectors.CATALOGUE_VERSION_KEY: version, **tokens}
    return answer, made_of_all(read, answer.good_until)


@read_only
@provider_budget
def offer_days(request: HttpRequest, pk: int) -> HttpResponse:
    if (kept := _pass_answers.get(request, "api:days")) is not None:
        return kept
    offer, version = selectors.visible_item_and_version(Offer, pk)
    if offer is None:
        return JsonResponse({"error": "no such offer"}, status=404)
    if refused := unknown_parameter(request, DAYS_PARAMETERS) or empty_parameter(request):
        return refused
    tz = offer.space.timezone
    try:
        start = parse_day(request.GET.get("from") or local_today(tz).isoformat(), tz, name="from")
        end = parse_day(
            request.GET.get("to") or (start + dt.timedelta(days=13)).isoformat(), tz, name="to"
        )
    except BadDate as exc:
        return bad_parameter(exc.parameter, str(exc))
    if refusal := rules.horizon_refusal(rules.limits(offer), start, local_today(tz)):
        return bad_parameter("from", refusal)
    if end < start or (end - start).days >= MAX_PASS_RANGE:
        return bad_parameter(
            "to", f"to must be on or after from, and at most {MAX_PASS_RANGE} days later"
        )
    answer, made = _pass_answer(offer, version, start, end)
    response = JsonResponse(
        {
            "offer": offer.pk,
            "from": start.isoformat(),
            "to": end.isoformat(),
            "timezone": tz,
            "status": "known" if answer.known else "unknown",
            "message": answer.message or None,
            "days": [
                {"date": d.day.isoformat(), "available": d.open, "remaining": d.remaining}
                for d in answer.days
            ],
            "source": answer.source,
            "fetched_at": _iso(answer.fetched_at),
        }
    )
    _pass_answers.put(request, "api:days", made, response.content, response["Content-Type"])
    return response


def _week_start(request: HttpRequest, today: dt.date, last: dt.date) -> dt.date:
    """The Monday of the asked week (``?week=``), from this week to the week of ``last``,
    the last day the room takes bookings on (its horizon); ``today``: in the room's zone."""
    try:
        chosen = dt.date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        chosen = today
    chosen = max(chosen, today - dt.timedelta(days=today.weekday()))
    chosen = min(chosen, today + dt.timedelta(days=MAX_DAYS_AHEAD - 7), last)
    return chosen - dt.timedelta(days=chosen.weekday())


def _quoted(iso: str) -> str:
    """``quote(iso, safe="/")`` for an ISO 8601 date-time, whose only characters to
    escape are ":" and "+"."""
    return iso.replace(":", "%3A").replace("+", "%2B")


def _guess_monday(request: HttpRequest) -> dt.date:
    """The Monday ``_week_start`` will most likely choose, before the room's zone is known:
    today in UTC, the horizon at its widest (the days around it are read too)."""
    today = dt.datetime.now(dt.UTC).date()
    return _week_start(request, today, today + dt.timedelta(days=MAX_DAYS_AHEAD))


class _OfSlots:
    """What is made from a day's slots (the week grid's cells), kept in this process by
    the identity of the slots list: a day's slots are one list while nothing changes them
    (``availability._ComputedSlots``), and a change is a new list. The list is held
    here, so its identity is not reused while it is kept; ``also`` is the rest of what
    the value is made from. Bounded; thread-safe."""

    def __init__(self, size: int = 1024) -> None:
        self.size = size
        self.entries: OrderedDict[int, tuple[list, object, Any]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, slots: list, also: object, make: Callable[[], Any]) -> Any:
        with self.lock:
            found = self.entries.get(id(slots))
            if found is not None and found[0] is slots and found[1] == also:
                self.entries.move_to_end(id(slots))
                return found[2]
        value = make()
        with self.lock:
            self.entries[id(slots)] = (slots, also, value)
            self.entries.move_to_end(id(slots))
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)
        return value


def _cells_and_shown(slots: list[availability.Slot], book_url: str) -> tuple[list[dict], str]:
    cells = _slot_cells(slots, book_url)
    shown = hashlib.sha256(repr([tuple(c.values()) for c in cells]).encode()).hexdigest()
    return cells, shown


_cells = _OfSlots()


def _slot_cells(slots: list[availability.Slot], book_url: str) -> list[dict]:
    """What the week grid shows of each slot, formatted once here: the template's
    filters and ``{% url %}`` per slot were most of the page's time. The slots are in
    the space's zone already, as the grid shows them. Shared: read, never changed."""
    cells = []
    for slot in slots:
        # sliced from one isoformat ("2026-12-02T10:00:00+01:00"): strftime and quote
        # per slot were most of a warm week page's Python time
        start = slot.start.isoformat()
        cells.append(
            {
                "available": slot.available and slot.bookable,
                "short": slot.available and not slot.bookable,
                "start": start[11:16],
                "end": slot.end.isoformat()[11:16],
                "href": f"{book_url}?start={_quoted(start)}",
                # the phone's start-and-length picker sends it as the form's local time
                "local": start[:16],
                "first": False,
            }
        )
    # the day's one Tab stop; arrow keys move between its free slots (portal.js)
    for cell in cells:
        if cell["available"]:
            cell["first"] = True
            break
    return cells


# a day the provider had not answered for within the page's budget asks again, once a
# second, this many times; then it says "unknown" (a reload asks again)
DAY_RETRIES = 8


def _day_cell(
    resource: Resource,
    day: dt.date,
    answer: availability.DayAnswer | None,
    today: dt.date,
    tries: int = 0,
    shared: dict | None = None,
) -> dict:
    """What the week grid shows of one day; ``retry``: the URL that asks again while the
    provider is still answering behind the page; ``shared``: what the days of one page
    have in common (``_week_shared``), computed once for the week."""
    shared = shared or _week_shared(resource, today)
    book = shared["book"]
    retry = ""
    if answer is not None and answer.pending and tries < DAY_RETRIES:
        url = reverse("resource_day", args=[resource.pk])
        retry = f"{url}?date={day.isoformat()}&try={tries + 1}"
    slots, shown = (
        _cells.get(answer.slots, book, lambda: _cells_and_shown(answer.slots, book))
        if answer and answer.known
        else ([], "")
    )
    return {
        "day": day,
        "past": day < today,
        # past the room's horizon: not asked, nothing offered
        "beyond": day > shared["last"],
        "book": book,
        "lengths": shared["lengths"],
        "answer": answer,
        "slots": slots,
        "shown": shown,  # a digest of what the slots show (``_shown``)
        "free": any(cell["available"] for cell in slots),
        "retry": retry,
    }


def _week_shared(resource: Resource, today: dt.date) -> dict:
    return {
        "book": reverse("book_resource", args=[resource.pk]),
        "last": rules.last_day(rules.limits(resource), today),
        "lengths": length_choices(resource),
    }


def _tries(request: HttpRequest) -> int:
    try:
        return max(0, int(request.GET.get("try", "0")))
    except ValueError:
        return DAY_RETRIES


@require_GET
@provider_budget
def resource_day(request: HttpRequest, pk: int) -> HttpResponse:
    """One day of a room's week grid: what a day still being asked fetches a moment later
    (htmx swaps it in place), so a cold week fills in without a reload."""
    resource, _version = _resource(pk)
    tz = resource.space.timezone
    try:
        day = parse_day(request.GET.get("date"), tz, allow_past=True)
    except BadDate as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    today = local_today(tz)
    last = rules.last_day(rules.limits(resource), today)
    answer = availability.resource_day(resource, day) if today <= day <= last else None
    cell = _day_cell(resource, day, answer, today, _tries(request))
    return render(request, "resources/partials/day.html", {"d": cell, "tz": tz})


# week pages, kept with the entries they were made from (``KeptAnswers``)
_week_answers = KeptAnswers(512)  # pages of ~25 KB


@provider_budget
def resource_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """A room with a week of slots in the space's local time; pages by week."""
    name = "week:htmx" if request.htmx else "week"
    if (kept := _week_answers.get(request, name)) is not None:
        return kept
    resource, version, read = resource_with_days(pk, _guess_monday(request), 7)
    tz = resource.space.timezone
    today = local_today(tz)
    allowed = rules.limits(resource)
    last = rules.last_day(allowed, today)
    monday = _week_start(request, today, last)
    week = [monday + dt.timedelta(days=offset) for offset in range(7)]
    upcoming = [day for day in week if today <= day <= last]
    answers = dict(
        zip(upcoming, availability.resource_days(resource, upcoming, read=read), strict=True)
    )
    shared = _week_shared(resource, today)
    days = [_day_cell(resource, day, answers.get(day), today, shared=shared) for day in week]
    following = monday + dt.timedelta(days=7)
    # the day a phone shows first (one day at a time, with day tabs): the first with a
    # free slot, else the first not past
    upcoming_cells = [d for d in days if not d["past"]] or days
    current = next((d["day"] for d in upcoming_cells if d["free"]), upcoming_cells[0]["day"])
    context = {
        "resource": resource,
        "space": resource.space,
        "days": days,
        "monday": monday,
        "previous": monday - dt.timedelta(days=7) if monday > today else None,
        "next": following if following <= last else None,
        "tz": tz,
        "rules": rules.summary(allowed),
        "current": current,
    }
    template = "resources/partials/week.html" if request.htmx else "resources/detail.html"
    keys = [version, today, _shown(days)]
    made = days_made(resource, read, list(answers.values()), today)
    return render_kept(
        request, template, context, keys, answers=_week_answers, name=name, made=made
    )


def days_made(
    resource: Resource, read: dict, answers: list[availability.DayAnswer], today: dt.date
) -> Made | None:
    """What a page of a room's days (a week, a feed) is made of (``Made``): the room, its
    holds and its days' facts as ``read``, until one of its days changes with the clock or
    the room's ``today`` turns; None while a day is still being asked or stale (a later
    request shows the answer then)."""
    if not all(answer.source == "cached" and answer.good_until for answer in answers):
        return None
    midnight = availability.local_day_bounds(today, resource.space.timezone)[1]
    until = min([midnight, *(answer.good_until or midnight for answer in answers)])
    return made_of(read, availability.made_of_keys(resource.pk), until)


def _shown(days: list[dict]) -> list[tuple]:
    """What the week grid shows of its days: the page is kept under it (``render_kept``),
    so a refresh, a booking or the clock that changes a slot renders the page afresh."""
    shown = []
    for cell in days:
        answer = cell["answer"]
        said = (answer.known, str(answer.message), answer.source == "stale") if answer else None
        shown.append((cell["day"], cell["past"], cell["retry"], said, cell["shown"]))
    return shown


@provider_budget
def offer_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    name = "pass:htmx" if request.htmx else "pass"
    if (kept := _pass_answers.get(request, name)) is not None:
        return kept
    offer, version = _offer(pk)
    tz = offer.space.timezone
    start = local_today(tz)
    answer, made = _pass_answer(offer, version, start, start + dt.timedelta(days=13))
    retry = ""
    if answer.pending:  # asked again in a moment, like a week's day (``DAY_RETRIES``)
        tries = _tries(request)
        if tries < DAY_RETRIES:
            retry = f"{reverse('offer_detail', args=[offer.pk])}?try={tries + 1}"
    template = "offers/partials/days.html" if request.htmx else "offers/detail.html"
    context = {
        "offer": offer,
        "space": offer.space,
        "answer": answer,
        "tz": tz,
        "retry": retry,
        "rules": rules.summary(rules.limits(offer)),
    }
    # kept under what the days show: a refresh, a booking or a new day renders afresh
    shown = (answer.known, str(answer.message), [(d.day, d.open, d.remaining) for d in answer.days])
    return render_kept(
        request,
        template,
        context,
        [version, shown, retry],
        answers=_pass_answers,
        name=name,
        made=made,
    )
