"""Booking forms: parse and check input; the rules themselves live in bookings.rules."""

from __future__ import annotations

import datetime as dt
import functools
import uuid
import zoneinfo
from typing import cast

from django import forms
from django.core.validators import MaxValueValidator
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from bookings import availability, recurrence, rules
from providers import registry


class LocalDateTimeField(forms.DateTimeField):
    """An ISO date-time; a naive one (what a datetime-local input sends) is read in the
    space's time zone."""

    def __init__(self, *args, tz: str = "UTC", **kwargs):
        self.zone = zoneinfo.ZoneInfo(tz)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            try:
                parsed = dt.datetime.fromisoformat(value.strip().replace(" ", "T"))
            except ValueError:
                raise forms.ValidationError(
                    _("Enter a date and time such as 2030-05-17T10:00.")
                ) from None
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=self.zone)
        return super().to_python(value)


def one_line(value: str) -> None:
    """A validator: a one-line field (a title, a name) refuses line breaks and other
    control characters; they would reach an email subject or a provider."""
    if refusal := rules.one_line_refusal(value):
        raise forms.ValidationError(refusal, code="one_line")


class TermsMixin:
    fields: dict[str, forms.Field]  # the form's, which this mixin is mixed into

    def add_terms(self, space) -> None:
        if space.legal:
            self.fields["accept_terms"] = forms.BooleanField(
                label=_("I accept the space's terms"),
                required=True,
                error_messages={"required": _("Accept the space's terms to book.")},
            )


class WhenMixin(forms.Form):
    """The form's time field (``when``) is refused out of the bookable range (the past,
    more than a year ahead: ``bookings.rules``), in the words the services use, before
    anything computes with it: a year-9999 start plus its length overflows."""

    when = "date"

    def refusal(self, value) -> str | None:
        """Why ``value`` of ``when`` cannot be booked; None: it can, as far as the calendar
        goes."""
        raise NotImplementedError

    def prefill_good_until(self, raw: str) -> dt.datetime | None:
        """Until when a link's pre-filled ``when`` (one ``prefill_refusal`` lets through)
        stays bookable as far as the clock goes; None: nothing is pre-filled, or it
        cannot be read."""
        try:
            value = self.fields[self.when].clean(raw) if raw else None
        except forms.ValidationError:
            return None
        return None if value is None else self.bookable_until(value)

    def bookable_until(self, value) -> dt.datetime:
        """When the clock makes ``value`` of ``when`` refused."""
        raise NotImplementedError

    def prefill_refusal(self, raw: str) -> str | None:
        """Why a link's pre-filled ``when`` (``?start=``, ``?date=``) cannot be shown for
        booking: unreadable, or out of range; None: it can."""
        try:
            value = self.fields[self.when].clean(raw)
        except forms.ValidationError as exc:
            return exc.messages[0]
        return self.refusal(value) if value is not None else None

    def clean(self):
        data = super().clean() or {}
        value = data.get(self.when)
        if value is not None and (refusal := self.refusal(value)):
            self.add_error(self.when, refusal)
        return data


class DayMixin(WhenMixin):
    """A day (``date``) in the space's zone: a pass's first day, an inquiry's."""

    zone = "UTC"
    inquiry = False

    allowed: rules.Limits | None = None  # the item's rules, where the form books one

    def bookable_until(self, value) -> dt.datetime:
        """A day is refused once it is over in the space's zone (``rules.day_refusal``)."""
        return dt.datetime.combine(
            value + dt.timedelta(days=1), dt.time(0), zoneinfo.ZoneInfo(self.zone)
        )

    def refusal(self, value) -> str | None:
        today = availability.local_today_for(self.zone)
        refusal = rules.day_refusal(value, today, inquiry=self.inquiry)
        if refusal is None and self.allowed is not None:
            refusal = rules.horizon_refusal(self.allowed, value, today)
        return refusal


KEY_FIELD = "idempotency_key"


class OnceMixin(forms.Form):
    """One booking per form: a key made when the form is first shown and sent back with
    every preview and confirmation, so the same form sent twice (a double click, back and
    confirm again) finds the booking it made. ``again`` is the member's yes to a second
    booking of a time they already hold, asked only then."""

    idempotency_key = forms.UUIDField(
        widget=forms.HiddenInput,
        required=False,
        error_messages={"invalid": _("This form is damaged: open the booking page again.")},
    )
    again = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def ask_again(self, held_url: str) -> None:
        """Tell the member they already hold this time, and offer to book another."""
        self.add_error(
            None,
            format_html(
                '{} <a href="{}">{}</a>',
                _("You already hold a booking for this time:"),
                held_url,
                _("see it"),
            ),
        )
        self.fields["again"].widget = forms.CheckboxInput()
        self.fields["again"].label = _("Yes, book another one")

    def key(self) -> uuid.UUID | None:
        return self.cleaned_data.get(KEY_FIELD) if hasattr(self, "cleaned_data") else None


def with_form_key(data: QueryDict | None) -> QueryDict | None:
    """Bound data with a key: a form shown without one (a preview link, an older page)
    gets a fresh one."""
    if data is None or data.get(KEY_FIELD):
        return data
    data = data.copy()
    data[KEY_FIELD] = str(uuid.uuid4())
    return data


class RoomBookingForm(WhenMixin, OnceMixin, TermsMixin, forms.Form):
    when = "start"
    start = LocalDateTimeField(label=_("Start"))
    minutes = forms.TypedChoiceField(label=_("Length"), coerce=int)
    attendees = forms.IntegerField(label=_("People"), min_value=1, max_value=1000, initial=1)
    title = forms.CharField(
        label=_("Title (optional)"), max_length=200, required=False, validators=[one_line]
    )
    # a recurring booking (bookings.recurrence): every date is shown, free or taken, on a
    # preview page before anything is booked
    repeat = forms.ChoiceField(
        label=_("Repeat"),
        required=False,
        initial=recurrence.NEVER,
        choices=[
            (recurrence.NEVER, _("Never")),
            (recurrence.DAILY, _("Daily")),
            (recurrence.WEEKLY, _("Weekly")),
            (recurrence.BIWEEKLY, _("Every two weeks")),
        ],
    )
    until = forms.DateField(
        label=_("Until (the last day)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, resource, **kwargs):
        super().__init__(*args, **kwargs)
        self.resource = resource
        # formatted here, in the language of the request (not once, at import)
        self.fields["repeat"].help_text = _(
            "Repeated bookings are shown date by date, free or taken, before you confirm "
            "(at most %(n)s dates)."
        ) % {"n": recurrence.MAX_OCCURRENCES}
        room_grid = rules.grid(resource.rules)
        step = room_grid.step
        self.fields["start"] = LocalDateTimeField(
            label=_("Start (local time of the space)"),
            tz=resource.space.timezone,
            widget=forms.DateTimeInput(
                attrs={"type": "datetime-local", "step": step * 60},
                format="%Y-%m-%dT%H:%M",
            ),
        )
        minutes = cast(forms.TypedChoiceField, self.fields["minutes"])
        minutes.choices = length_choices(resource)
        if resource.capacity:
            self.fields["attendees"].widget.attrs["max"] = resource.capacity
            self.fields["attendees"].validators.append(MaxValueValidator(resource.capacity))
        # the room's fewest people (a Workways ``minPerson``): the browser asks for them,
        # the services refuse fewer (``rules.people_refusal``) in words a member reads
        self.fields["attendees"].widget.attrs["min"] = rules.limits(resource).fewest
        self.add_terms(resource.space)

    def bookable_until(self, value) -> dt.datetime:
        """A start is refused once its notice runs out (``rules.notice_refusal``)."""
        return value - dt.timedelta(minutes=rules.limits(self.resource).notice)

    def refusal(self, value) -> str | None:
        now = timezone.now()
        if refusal := rules.start_refusal(value, now):
            return refusal
        allowed, zone = rules.limits(self.resource), zoneinfo.ZoneInfo(self.resource.space.timezone)
        today, day = now.astimezone(zone).date(), value.astimezone(zone).date()
        return rules.notice_refusal(allowed, value, now) or rules.horizon_refusal(
            allowed, day, today
        )

    # the last day is asked for when the member confirms, not by the price preview that
    # runs as they fill the form in (choosing "Weekly" comes before picking the day)
    until_required = True

    def clean(self):
        data = super().clean() or {}
        missing = data.get("until") is None and "until" not in self.errors
        if self.until_required and self.repeats() and missing:
            self.add_error("until", _("Give the last day of the series."))
        return data

    def repeats(self) -> bool:
        """Whether the member asks for a recurring booking."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return (data.get("repeat") or recurrence.NEVER) != recurrence.NEVER

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """The booking's start and end, once the form is valid (both fields are required)."""
        start = self.cleaned_data["start"]
        return start, start + dt.timedelta(minutes=self.cleaned_data["minutes"])


class PassBookingForm(DayMixin, OnceMixin, TermsMixin, forms.Form):
    date = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    days = forms.IntegerField(label=_("Days"), min_value=1, max_value=31, initial=1)
    persons = forms.IntegerField(label=_("People"), min_value=1, max_value=100, initial=1)

    def __init__(self, *args, offer, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = offer.space.timezone
        self.allowed = rules.limits(offer)
        capabilities = offer.space.account.spec.capabilities
        if offer.price_unit not in ("day", "") or not capabilities.multi_day_passes:
            # one start day: the product fixes the length (a month, 10 days), or the
            # provider takes one day per pass (Thia access codes, Zentry day passes)
            self.fields["days"].widget = forms.HiddenInput()
            self.fields["days"].validators.append(MaxValueValidator(1))
        if offer.max_persons:
            self.fields["persons"].validators.append(MaxValueValidator(offer.max_persons))
        if not offer.max_persons or offer.max_persons == 1:
            self.fields["persons"].widget = forms.HiddenInput()
        self.add_terms(offer.space)


class InquiryForm(DayMixin, OnceMixin, TermsMixin, forms.Form):
    inquiry = True

    date = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    persons = forms.IntegerField(label=_("People"), min_value=1, max_value=500, initial=1)
    message = forms.CharField(
        label=_("What do you need?"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )

    def __init__(self, *args, space, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = space.timezone
        self.add_terms(space)


def length_choices(resource) -> list[tuple[int, str]]:
    """The lengths a room can be booked for, shortest first, as (minutes, words)."""
    room_grid = rules.grid(resource.rules)
    lowest, step = room_grid.shortest, room_grid.step
    highest = room_grid.longest or max(lowest, 8 * 60)
    lengths = range(lowest, highest + 1, step) if step else [lowest]
    return [(m, _format_minutes(m)) for m in lengths][:48]


def _format_minutes(minutes: int) -> str:
    return _minutes_in(minutes, translation.get_language() or "")


@functools.lru_cache(maxsize=2048)
def _minutes_in(minutes: int, language: str) -> str:
    """``_format_minutes`` in ``language`` (the active one): a week page lists up to 48
    lengths, formatted once per language instead of on every request."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return _("%(m)s min") % {"m": rest}
    if not rest:
        return _("%(h)s h") % {"h": hours}
    return _("%(h)s h %(m)s") % {"h": hours, "m": f"{rest:02d}"}


# --- search by time window (bookings.search) -------------------------------------------


class _ListField(forms.Field):
    """Values repeated (``amenities=a&amenities=b``) or comma separated (``a,b``)."""

    widget = forms.CheckboxSelectMultiple

    def to_python(self, value):
        if not value:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        return [part.strip() for v in values for part in str(v).split(",") if part.strip()]


MAX_OFFSET = 100_000


class SearchForm(forms.Form):
    """The filters of a search by time window: the pages' form and /api/search's
    parameters (names as the API documents them). Every field is optional; times are
    local to each space."""

    q = forms.CharField(label=_("Where"), required=False, max_length=100)
    city = forms.CharField(label=_("City"), required=False, max_length=120)
    country = forms.CharField(label=_("Country"), required=False, max_length=120)
    date = forms.DateField(
        label=_("Day"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    start = forms.TimeField(
        label=_("From"),
        required=False,
        input_formats=["%H:%M"],
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    end = forms.TimeField(
        label=_("To"),
        required=False,
        input_formats=["%H:%M"],
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    minutes = forms.IntegerField(
        label=_("Or a length (minutes)"), required=False, min_value=15, max_value=24 * 60
    )
    people = forms.IntegerField(label=_("People"), required=False, min_value=1, max_value=500)
    kind = forms.ChoiceField(label=_("What"), required=False)
    amenities = _ListField(label=_("Amenities"), required=False)
    provider = forms.ChoiceField(label=_("Provider"), required=False)
    max_total = forms.DecimalField(
        label=_("Max total"), required=False, min_value=0, max_digits=10, decimal_places=2
    )
    currency = forms.CharField(label=_("Currency"), required=False, max_length=3)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("start", _("Nearest start time")),
            ("price", _("Total price")),
            ("distance", _("Distance")),
        ],
    )
    near = forms.CharField(required=False, widget=forms.HiddenInput, max_length=60)
    limit = forms.IntegerField(required=False, min_value=1, max_value=100, widget=forms.HiddenInput)
    # bounded: a database counts rows with 64 bits, and nobody reads that far
    offset = forms.IntegerField(
        required=False, min_value=0, max_value=MAX_OFFSET, widget=forms.HiddenInput
    )

    def __init__(self, *args, amenity_choices=(), currencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        from bookings.search import KINDS

        kinds = {
            "meeting_room": _("Meeting room"),
            "day_pass": _("Day pass"),
            "desk": _("Desk"),
            "office": _("Office"),
        }
        kind = cast(forms.ChoiceField, self.fields["kind"])
        kind.choices = [("", _("Anything")), *kinds.items()] + [
            (k, k.replace("_", " ")) for k in KINDS if k not in kinds
        ]
        self.fields["amenities"].widget.choices = list(amenity_choices)
        provider = cast(forms.ChoiceField, self.fields["provider"])
        provider.choices = [("", _("Any")), *registry.choices()]
        self.currencies = set(currencies)

    def clean_date(self):
        day = self.cleaned_data.get("date")
        if day and day < dt.date.today() - dt.timedelta(days=1):
            raise forms.ValidationError(_("Pick today or a later day."))
        if day and day > dt.date.today() + dt.timedelta(days=rules.MAX_DAYS_AHEAD):
            raise forms.ValidationError(_("Pick a day within a year."))
        return day

    def clean_currency(self):
        code = (self.cleaned_data.get("currency") or "").upper()
        if code and code not in self.currencies:
            raise forms.ValidationError(
                _("Unknown currency; use one of %(codes)s.")
                % {"codes": ", ".join(sorted(self.currencies))}
            )
        return code

    def clean_near(self):
        raw = self.cleaned_data.get("near") or ""
        if not raw:
            return None
        try:
            lat, lon = (float(part) for part in raw.split(","))
        except ValueError:
            raise forms.ValidationError(_("Give a point as latitude,longitude.")) from None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise forms.ValidationError(_("Give a point as latitude,longitude."))
        return (lat, lon)

    def clean(self):
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if end and not start:
            self.add_error("start", _("Give a start time with the end time."))
        elif start and end and end <= start:
            self.add_error("end", _("The end must be after the start."))
        elif start and not end and not data.get("minutes"):
            self.add_error("end", _("Give an end time or a length."))
        if data.get("sort") == "distance" and not data.get("near"):
            self.add_error("near", _("Sorting by distance needs a point."))
        return data

    def first_error(self) -> tuple[str, str]:
        """The first parameter in error and its message (for the API's 400)."""
        name, errors = next(iter(self.errors.items()))
        return name, str(errors[0])
