"""The "tell me when it frees up" form: parse and check input; ``entries.join`` decides."""

from __future__ import annotations

import datetime as dt
from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from bookings import rules
from bookings.search.query import KINDS
from providers.models import Offer, OfferKind, ResourceKind


def _time(label) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        required=False,
        input_formats=["%H:%M"],
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )


class WaitlistForm(forms.Form):
    """One room (``resource``), one pass (``offer``), or a search's place (``city`` or
    ``q``, with a ``kind``); the day, times, people and price limit as search names them."""

    resource = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    offer = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    q = forms.CharField(label=_("Where"), required=False, max_length=100)
    city = forms.CharField(label=_("City"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("What"), required=False)
    date = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    start = _time(_("From"))
    end = _time(_("To"))
    minutes = forms.IntegerField(
        label=_("Or a length (minutes)"), required=False, min_value=15, max_value=24 * 60
    )
    people = forms.IntegerField(label=_("People"), min_value=1, max_value=500, initial=1)
    max_price = forms.DecimalField(
        label=_("At most (total)"), required=False, min_value=0, max_digits=10, decimal_places=2
    )
    currency = forms.ChoiceField(label=_("Currency"), required=False)

    def __init__(self, *args, item=None, currencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        kind = cast(forms.ChoiceField, self.fields["kind"])
        labels = {**dict(ResourceKind.choices), **dict(OfferKind.choices)}
        kind.choices = [("", _("Anything")), *((k, labels.get(k, k)) for k in KINDS)]
        currency = cast(forms.ChoiceField, self.fields["currency"])
        currency.choices = [("", _("My currency")), *((c, c) for c in sorted(currencies))]
        self.item = item
        if item is not None:  # the place is the item: no place fields to fill in
            for name in ("q", "city", "kind"):
                del self.fields[name]
        if isinstance(item, Offer):
            for name in ("start", "end", "minutes"):  # a pass is a whole day
                del self.fields[name]

    def clean_date(self):
        day = self.cleaned_data.get("date")
        if day and day < dt.date.today() - dt.timedelta(days=1):
            raise forms.ValidationError(_("That time has started already; pick a later one."))
        if day and day > dt.date.today() + dt.timedelta(days=rules.MAX_DAYS_AHEAD):
            raise forms.ValidationError(_("Pick a day within a year."))
        return day

    def clean(self):
        data = super().clean() or {}
        if self.item is None and not (data.get("q") or data.get("city")):
            self.add_error("q", _("Say where: a city or a place name."))
        start, end = data.get("start"), data.get("end")
        if end and not start:
            self.add_error("start", _("Give a start time with the end time."))
        elif start and end and end <= start:
            self.add_error("end", _("The end must be after the start."))
        return data

    def join_arguments(self) -> dict:
        """What ``entries.join`` takes, from the cleaned data."""
        data = self.cleaned_data
        return {
            "city": data.get("city") or "",
            "q": data.get("q") or "",
            "kind": data.get("kind") or "",
            "date": data["date"],
            "start_time": data.get("start"),
            "end_time": data.get("end"),
            "minutes": data.get("minutes"),
            "people": data["people"],
            "max_price": data.get("max_price"),
            "currency": data.get("currency") or "",
        }
