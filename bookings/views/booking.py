"""Members' booking pages: book a room, a pass or an inquiry; my bookings; one booking."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from bookings import holds, member_rows, rules, services
from bookings.forms import (
    KEY_FIELD,
    InquiryForm,
    PassBookingForm,
    RoomBookingForm,
    WhenMixin,
    with_form_key,
)
from bookings.http import AuthenticatedHttpRequest
from bookings.models import FINAL, Booking, Kind, Status
from bookings.pagecache import (
    KeptAnswers,
    Made,
    answer_key,
    made_of_all,
    render_kept,
    tokens_now,
    within_a_day,
)
from bookings.views.availability import provider_budget
from providers import selectors
from providers.adapters.parsing import safe_url
from providers.models import Offer, Resource


def _mine(request: AuthenticatedHttpRequest):
    return Booking.objects.filter(member=request.user).select_related(
        "space__account", "resource", "offer"
    )


# the member's bookings pages, kept with the tokens they were made from (``KeptAnswers``)
_lists = KeptAnswers(512)


@login_required
def my_bookings(request: AuthenticatedHttpRequest) -> HttpResponse:
    if (kept := _lists.get(request, "my-bookings")) is not None:
        return kept
    now = timezone.now()
    bookings = _mine(request)
    # the page is kept under what it shows (``render_kept``): the member's bookings (a
    # token every write of one replaces, their count and last change), how many have
    # ended (the clock moves one to "Past") and the catalogue (names of rooms and spaces)
    facts = holds.member_facts(request.user.pk, now)
    version = selectors.catalogue_version()
    keys = [version if facts[0] is not None else None, facts]
    # kept here too, read by those tokens alone, until the next booking ends (a day at most)
    tokens = {
        selectors.CATALOGUE_VERSION_KEY: version,
        holds.keys("member", request.user.pk)[0]: facts[0],
    }
    made = made_of_all(tokens, within_a_day(facts[4]))

    def context() -> dict:
        return {
            "upcoming": bookings.filter(end__gt=now).exclude(status__in=FINAL).order_by("start"),
            "past": bookings.filter(end__lte=now).order_by("-start")[:50],
            "ended": bookings.filter(end__gt=now, status__in=FINAL).order_by("-updated_at")[:20],
        }

    return render_kept(
        request, "bookings/list.html", context, keys, answers=_lists, name="my-bookings", made=made
    )


# a booking's page and its status part, kept in this process with the tokens they were
# made from (``KeptAnswers``; never in the shared cache: they show the access code)
_details = KeptAnswers(1024)


@login_required
@never_cache  # the page can show the booking's access code: no copy kept anywhere
def booking_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    template = "bookings/partials/status.html" if request.htmx else "bookings/detail.html"
    if (kept := _details.get(request, template)) is not None:
        return kept
    # what the page shows, read with or before it: the member's bookings (each write of
    # one replaces their token), visits (check-in) and row (a registration's company),
    # and the catalogue (names, addresses, cancellation rules)
    read = tokens_now(
        {
            holds.keys("member", request.user.pk)[0]: holds.KEEP_SECONDS,
            **member_rows.timeouts(member_rows.VISITS, request.user.pk),
            selectors.CATALOGUE_VERSION_KEY: None,
        },
        member=request.user,
    )
    # another member's booking answers 404: its id tells nothing
    booking = get_object_or_404(_mine(request), pk=pk)
    booking.member = request.user  # the same row: not read again
    made = made_of_all(read, within_a_day(rules.page_changes_at(booking, timezone.now())))
    return render_kept(
        request,
        template,
        {"booking": booking},
        None,
        answers=_details,
        name=template,
        made=made,
        shared=False,
    )


@login_required
@require_POST
def cancel_booking(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    booking = get_object_or_404(_mine(request), pk=pk)
    try:
        services.cancel(
            booking, actor=request.user, actor_label="member", reason="cancelled by the member"
        )
    except services.BookingError as exc:
        messages.error(request, exc.message)
        return render(request, "bookings/detail.html", {"booking": booking}, status=exc.status)
    if booking.status == Status.CANCELLATION_REQUESTED:
        messages.info(request, _("Your cancellation is with our staff; we will email you."))
    else:
        messages.success(request, _("Your booking is cancelled."))
    return redirect("booking_detail", pk=booking.pk)


def _profile_gate(request: AuthenticatedHttpRequest):
    if rules.profile_missing(request.user):
        messages.warning(request, rules.profile_message())
        return redirect(f"{reverse('profile')}?next={request.get_full_path()}")
    return None


# booking forms as first shown (no price asked yet), kept in this process with the tokens
# they were made from (``KeptAnswers``); each answer gets its own form key
_forms = KeptAnswers(512)


@login_required
@provider_budget
def book_resource(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    # a slot link carries only ?start=: it pre-fills the form; a full query previews a price
    full = {"start", "minutes", "attendees"} <= set(request.GET)
    name = "book-room:htmx" if request.htmx else "book-room"
    if not full and (kept := _kept_form(request, name)) is not None:
        return kept
    read = _form_tokens(request)
    resource = get_object_or_404(selectors.visible_resources(), pk=pk)
    if gate := _profile_gate(request):
        return gate
    confirming = request.method == "POST" and "confirm" in request.POST
    data = request.POST if request.method == "POST" else (request.GET if full else None)
    initial = {
        "start": _local_start(request.GET.get("start", ""), resource.space.timezone),
        "minutes": rules.grid(resource.rules).shortest,
        "attendees": rules.limits(resource).fewest,
        KEY_FIELD: answer_key(request),
    }
    form = RoomBookingForm(with_form_key(data), initial=initial, resource=resource)
    _terms_only_to_confirm(form, confirming)
    form.until_required = confirming
    quote, status = None, _prefill_status(request, form, data)
    cancellation = ""
    if form.is_bound and form.is_valid():
        if confirming and (sent := services.form_booking(request.user, form.key())):
            return _booked(request, services.replay(sent))
        if confirming and form.repeats():
            # a recurring booking: every date is shown, free or taken, before booking
            return redirect(series_preview_url(resource, request.POST))
        start, end = form.bounds()
        try:
            services.validate_room(resource, start, end, form.cleaned_data["attendees"])
            services.check_room_limits(request.user, resource, start, end)
            quote = services.quote_for(
                resource,
                services.preview_request(
                    request.user,
                    resource,
                    Kind.ROOM,
                    start,
                    end,
                    attendees=form.cleaned_data["attendees"],
                    title=form.cleaned_data["title"],
                ),
            )
            cancellation = _cancellation(resource, start, quote)
            if confirming:
                booking = services.booking_create_room(
                    member=request.user,
                    resource=resource,
                    start=start,
                    end=end,
                    attendees=form.cleaned_data["attendees"],
                    title=form.cleaned_data["title"],
                    quote=quote,
                    idempotency_key=form.key(),
                    another=form.cleaned_data["again"],
                )
                return _booked(request, booking)
        except services.BookingError as exc:
            status = _show_refusal(form, exc)
    elif form.is_bound and (confirming or request.method == "GET"):
        status = 400
    context = {
        "form": form,
        "item": resource,
        "space": resource.space,
        "quote": quote,
        "kind": "room",
        "rules": rules.summary(rules.limits(resource)),
        "cancellation": cancellation,
    }
    partial = bool(request.htmx) and not confirming
    kept_as = _keep_form(request, form, data, status, name, read)
    return _form_page(request, context, status, partial=partial, kept_as=kept_as)


def _kept_form(request: AuthenticatedHttpRequest, name: str) -> HttpResponse | None:
    """A booking form as first shown, kept (``_keep_form``), else None."""
    kept = _forms.get(request, name)
    if kept is not None:
        patch_vary_headers(kept, ("HX-Request",))
    return kept


def _form_tokens(request: AuthenticatedHttpRequest) -> dict | None:
    """What a booking form as first shown is made from, read before it: the room or pass
    (the catalogue) and the member's row (the profile the form asks for first)."""
    return tokens_now({selectors.CATALOGUE_VERSION_KEY: None}, member=request.user)


def _keep_form(
    request: AuthenticatedHttpRequest, form: WhenMixin, data, status: int, name: str, read
) -> tuple[KeptAnswers, str, Made | None] | None:
    """Where to keep the form page (``_form_page``): only as first shown (no price asked,
    nothing refused), while ``read`` holds and until a pre-filled time stops being
    bookable (then the link is told why), a day at most."""
    if data is not None or status != 200:
        return None
    prefilled = form.prefill_good_until(request.GET.get(form.when, ""))
    return _forms, name, made_of_all(read, within_a_day(prefilled))


def _cancellation(item, start: dt.datetime, quote) -> str:
    """The cancellation policy of the booking the form would make (``""``: unknown)."""
    return rules.cancellation_policy(
        item,
        start,
        timezone.now(),
        price=quote.total if quote else None,
        currency=(quote.currency if quote else "") or item.currency,
    )


# what the preview's form carries from the booking form (the terms are accepted there)
CARRIED = ("start", "minutes", "attendees", "title", "repeat", "until", KEY_FIELD, "accept_terms")


def series_preview_url(resource: Resource, data) -> str:
    """The preview of the series the booking form ``data`` describes (a GET: nothing is
    booked until the member confirms there)."""
    query = data.copy()
    for name in list(query):
        if name not in CARRIED:
            del query[name]
    return f"{reverse('book_series', args=[resource.pk])}?{query.urlencode()}"


def _show_refusal(form, exc: services.BookingError) -> int:
    """Put a refusal on the booking form where the member sees it; its HTTP status."""
    if isinstance(exc, services.AlreadyHeld):
        form.ask_again(reverse("booking_detail", args=[exc.booking.pk]))
    else:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    return exc.status


def _form_page(
    request: AuthenticatedHttpRequest,
    context: dict,
    status: int,
    *,
    partial: bool,
    kept_as: tuple[KeptAnswers, str, Made | None] | None = None,
) -> HttpResponse:
    """The booking form page, or its price alone for htmx. The page's address carries the
    form (hx-replace-url), so the two answers share a URL: ``Vary: HX-Request`` keeps a
    browser from showing the cached price alone when the member comes back to the page.
    ``kept_as``: where the page is kept, as what, while what it was made from holds."""
    template = "bookings/partials/preview.html" if partial else "bookings/book.html"
    if kept_as is not None:
        answers, name, made = kept_as
        response = render_kept(
            request,
            template,
            context,
            None,
            status,
            answers=answers,
            name=name,
            made=made,
            shared=False,
        )
    else:
        response = render(request, template, context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _booked(request: AuthenticatedHttpRequest, booking: Booking) -> HttpResponse:
    """To the booking; a form sent again (double click, back and confirm) is told so."""
    if services.replayed(booking):
        messages.info(request, _("You already sent this form: here is your booking."))
    return redirect("booking_detail", pk=booking.pk)


def _local_start(raw: str, tz: str) -> str:
    """A slot link's ISO start, as the space's wall-clock time for the datetime input."""
    try:
        start = dt.datetime.fromisoformat(raw)
        if start.tzinfo is not None:
            start = start.astimezone(zoneinfo.ZoneInfo(tz))
    except (ValueError, OverflowError):  # unreadable, or a year 0001 east of UTC
        return ""
    return start.strftime("%Y-%m-%dT%H:%M")


def _prefill_status(request: AuthenticatedHttpRequest, form: WhenMixin, data) -> int:
    """A link that only pre-fills the form (``?start=``, ``?date=``) with a time that
    cannot be booked (unreadable, past, more than a year ahead) is told why: 400."""
    raw = request.GET.get(form.when, "")
    if data is not None or not raw or not (refusal := form.prefill_refusal(raw)):
        return 200
    messages.error(request, refusal)
    return 400


def _terms_only_to_confirm(form, confirming: bool) -> None:
    """A price preview does not need the terms accepted; confirming does."""
    if "accept_terms" in form.fields and not confirming:
        form.fields["accept_terms"].required = False


def booking_mode(offer: Offer) -> str:
    """How a member takes this offer: "pass" (book days), "inquiry" (people confirm), or
    "external" (a link out, only to an http(s) page: never a ``javascript:`` one)."""
    if safe_url((offer.raw or {}).get("service_url")):
        return "external"
    if offer.kind == "service":
        return "inquiry"
    if offer.kind == "private_office" and offer.space.account.spec.capabilities.office_inquiries:
        # e.g. Workways offices are monthly contracts: the member registers (seed 001,
        # Workflow 2)
        return "inquiry"
    return "pass"


@login_required
@provider_budget
def book_offer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    # a day link carries only ?date=: it pre-fills the form; a full query previews a price
    full = {"date", "persons"} <= set(request.GET)
    name = "book-offer:htmx" if request.htmx else "book-offer"
    if not full and (kept := _kept_form(request, name)) is not None:
        return kept
    read = _form_tokens(request)
    offer = get_object_or_404(selectors.visible_offers(), pk=pk)
    mode = booking_mode(offer)
    if mode == "external":
        return render(
            request,
            "bookings/external.html",
            {"item": offer, "space": offer.space, "url": offer.raw["service_url"]},
        )
    if gate := _profile_gate(request):
        return gate
    confirming = request.method == "POST" and "confirm" in request.POST
    data = with_form_key(
        request.POST if request.method == "POST" else (request.GET if full else None)
    )
    initial = {
        "date": request.GET.get("date", ""),
        "days": 1,
        "persons": 1,
        KEY_FIELD: answer_key(request),
    }
    form = (
        PassBookingForm(data, initial=initial, offer=offer)
        if mode == "pass"
        else InquiryForm(data, initial=initial, space=offer.space)
    )
    _terms_only_to_confirm(form, confirming)
    quote, status = None, _prefill_status(request, form, data)
    cancellation = ""
    if form.is_bound and form.is_valid():
        if confirming and (sent := services.form_booking(request.user, form.key())):
            return _booked(request, services.replay(sent))
        day = form.cleaned_data["date"]
        try:
            if mode == "pass":
                days = form.cleaned_data.get("days") or 1
                start, end = services.pass_bounds(offer, day, days)
                services.check_upcoming_limit(request.user, offer=offer)
                quote = services.quote_for(
                    offer,
                    services.preview_request(
                        request.user,
                        offer,
                        Kind.PASS,
                        start,
                        end,
                        days=days,
                        attendees=form.cleaned_data["persons"],
                    ),
                )
                cancellation = _cancellation(offer, start, quote)
                if confirming:
                    booking = services.booking_create_pass(
                        member=request.user,
                        offer=offer,
                        day=day,
                        days=days,
                        persons=form.cleaned_data["persons"],
                        quote=quote,
                        idempotency_key=form.key(),
                        another=form.cleaned_data["again"],
                    )
                    return _booked(request, booking)
            elif confirming:
                booking = services.booking_create_inquiry(
                    member=request.user,
                    offer=offer,
                    day=day,
                    message=form.cleaned_data["message"],
                    persons=form.cleaned_data["persons"],
                    idempotency_key=form.key(),
                    another=form.cleaned_data["again"],
                )
                return _booked(request, booking)
        except services.BookingError as exc:
            status = _show_refusal(form, exc)
    elif form.is_bound and (confirming or request.method == "GET"):
        status = 400
    context = {
        "form": form,
        "item": offer,
        "space": offer.space,
        "quote": quote,
        "kind": mode,
        "rules": rules.summary(rules.limits(offer)),
        "cancellation": cancellation,
    }
    partial = bool(request.htmx) and not confirming
    kept_as = _keep_form(request, form, data, status, name, read)
    return _form_page(request, context, status, partial=partial, kept_as=kept_as)


@login_required
@require_POST
def register_organization(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    booking = get_object_or_404(_mine(request), pk=pk)
    try:
        residents = int(request.POST.get("residents") or 1)
    except ValueError:
        residents = 0
    if not 1 <= residents <= 500:
        messages.error(request, _("Enter how many people will use the space (1 to 500)."))
        return render(request, "bookings/detail.html", {"booking": booking}, status=400)
    try:
        words = services.complete_registration(
            booking,
            company=request.POST.get("company", ""),
            residents=residents,
            actor=request.user,
        )
    except services.BookingError as exc:
        messages.error(request, exc.message)
        return render(request, "bookings/detail.html", {"booking": booking}, status=exc.status)
    messages.success(request, words or _("Your registration is sent."))
    return redirect("booking_detail", pk=booking.pk)
