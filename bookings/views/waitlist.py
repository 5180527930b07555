"""The waitlist's pages: ask to be told when something frees up; my waitlist; drop."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bookings import member_rows, money, waitlist
from bookings.http import AuthenticatedHttpRequest
from bookings.models import WaitlistEntry, WaitlistState
from bookings.pagecache import KeptAnswers, made_of_all, render_kept, tokens_now, within_a_day
from bookings.services.errors import BookingError
from bookings.waitlist.forms import WaitlistForm
from providers import selectors

# what a room's page, a pass's page or a search passes on to pre-fill the form
PREFILL = ("q", "city", "kind", "date", "start", "end", "minutes", "people", "currency")


def _item(source):
    """The room or pass the form is about (``resource`` or ``offer``), or None; an id of
    nothing a member can book answers 404."""
    for name, items in (
        ("resource", selectors.visible_resources),
        ("offer", selectors.visible_offers),
    ):
        raw = source.get(name)
        if raw:
            if not raw.isdigit():
                raise Http404
            return name, get_object_or_404(items().select_related("space"), pk=int(raw))
    return None, None


# the form as a page links to it (nothing sent yet), kept with the tokens it was made from
_forms = KeptAnswers(256)


@login_required
@require_http_methods(["GET", "POST"])
def waitlist_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    if (kept := _forms.get(request, "waitlist-new")) is not None:
        return kept
    # what the form shows, read before it: the room or pass (the catalogue) and the
    # currencies it offers (the exchange rates)
    tokens = tokens_now(
        {selectors.CATALOGUE_VERSION_KEY: None, money.RATES_TOKEN_KEY: money.RATES_KEEP_SECONDS}
    )
    source = request.POST if request.method == "POST" else request.GET
    name, item = _item(source)
    currencies = money.rates()
    status = 200
    if request.method == "POST":
        form = WaitlistForm(request.POST, item=item, currencies=currencies)
        if form.is_valid():
            try:
                _entry, created = waitlist.join(
                    request.user,
                    resource=item if name == "resource" else None,
                    offer=item if name == "offer" else None,
                    **form.join_arguments(),
                )
            except BookingError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
                status = exc.status
            else:
                if created:
                    messages.success(
                        request, _("You are on the waitlist: we email you when it frees up.")
                    )
                else:
                    messages.info(request, _("You were on this waitlist already."))
                return redirect("my_waitlist")
        else:
            status = 400
    else:
        initial = {key: request.GET[key] for key in PREFILL if request.GET.get(key)}
        if request.GET.get("max_total"):  # a search's price limit
            initial["max_price"] = request.GET["max_total"]
        if name:
            initial[name] = item.pk
        form = WaitlistForm(initial={"people": 1, **initial}, item=item, currencies=currencies)
    context = {"form": form, "item": item, "item_kind": name}
    # nothing on the form as first shown moves with the clock
    made = made_of_all(tokens, within_a_day(None))
    return render_kept(
        request,
        "waitlist/new.html",
        context,
        None,
        status,
        answers=_forms,
        name="waitlist-new",
        made=made,
    )


# "My waitlist", kept with the tokens it was made from (``KeptAnswers``)
_lists = KeptAnswers(256)


@login_required
def my_waitlist(request: AuthenticatedHttpRequest) -> HttpResponse:
    if (kept := _lists.get(request, "my-waitlist")) is not None:
        return kept
    # what the page shows, read before it: the member's entries (every write of one, the
    # worker's bulk ones too, replaces the token) and the names of rooms and spaces
    tokens = tokens_now(
        {
            **member_rows.timeouts(member_rows.WAITLIST, request.user.pk),
            selectors.CATALOGUE_VERSION_KEY: None,
        }
    )
    now = timezone.now()
    entries = list(waitlist.shown(request.user, now))
    leaves = waitlist.shown_until(entries)
    made = made_of_all(tokens, within_a_day(leaves))
    return render_kept(
        request,
        "waitlist/list.html",
        {"entries": entries},
        [None if made is None else (made.stamps, leaves)],
        answers=_lists,
        name="my-waitlist",
        made=made,
    )


@login_required
@require_POST
def waitlist_drop(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    # another member's entry answers 404: its id tells nothing
    entry = get_object_or_404(
        WaitlistEntry.objects.filter(member=request.user).exclude(state=WaitlistState.DROPPED),
        pk=pk,
    )
    waitlist.drop(entry)
    messages.success(request, _("Dropped from your waitlist."))
    return redirect("my_waitlist")
