from __future__ import annotations

import datetime as dt
from typing import cast

from django import forms
from django.contrib.auth.forms import PasswordResetForm, UserCreationForm
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from bookings import money, reminders, rules
from bookings.forms import one_line
from portal.models import User
from portal.timezones import timezone_choices
from portal.widgets import QuickSelect
from providers import registry
from providers.models import OfferKind, ResourceKind


class SignUpForm(UserCreationForm):
    class Meta:
        model = User
        fields = ("email", "first_name", "last_name")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].required = True
        self.fields["last_name"].required = True
        for name in ("first_name", "last_name"):  # providers are sent them
            self.fields[name].validators.append(one_line)

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def validate_unique(self):
        """Not here: saying an address is taken would tell anyone who is a member
        (``accounts.sign_up`` emails the owner of the address instead)."""


class ProfileForm(forms.ModelForm):
    # choices: canonical zones by region, in the member's language (set per form)
    timezone = forms.ChoiceField(label=_("Time zone"), widget=QuickSelect)
    # choices: the currencies staff keep a rate for (set per form: staff may add one)
    display_currency = forms.ChoiceField(
        label=_("Display currency"),
        required=False,  # left out (an older form): the member's currency stays
        help_text=_(
            "Prices are also shown in this currency, converted at approximate rates; "
            "you pay in the space's currency."
        ),
    )

    reminder_offsets = forms.TypedMultipleChoiceField(
        label=_("Reminders"),
        choices=reminders.CHOICES,
        coerce=int,
        required=False,  # none ticked: no reminder emails
        widget=forms.CheckboxSelectMultiple,
        help_text=_("We email you before each booking at the times you tick."),
    )

    class Meta:
        model = User
        fields = (
            "first_name",
            "last_name",
            "phone",
            "company",
            "language",
            "timezone",
            "display_currency",
            "reminder_offsets",
        )
        help_texts = {
            "phone": _("Providers call this number if something is wrong with a booking."),
            "company": _("Needed for office inquiries and company registrations."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].required = True
        self.fields["last_name"].required = True
        for name in ("first_name", "last_name", "phone", "company"):  # providers are sent them
            self.fields[name].validators.append(one_line)
        currency = cast(forms.ChoiceField, self.fields["display_currency"])
        currency.choices = [(c, c) for c in money.currencies()]
        zone = cast(forms.ChoiceField, self.fields["timezone"])
        zone.choices = timezone_choices(self.instance.timezone if self.instance else "")

    def clean_reminder_offsets(self):
        return sorted(set(self.cleaned_data.get("reminder_offsets") or []), reverse=True)

    def clean_display_currency(self):
        return self.cleaned_data.get("display_currency") or self.instance.display_currency


class SpaceFilterForm(forms.Form):
    """The filters of /spaces/ (and of /api/spaces). Every field is optional."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    # free text (a link may name any city); shown as a list of the cities we have
    city = forms.CharField(label=_("City"), required=False, max_length=120, widget=forms.Select)
    country = forms.CharField(
        label=_("Country"), required=False, max_length=120, widget=forms.Select
    )
    kind = forms.ChoiceField(label=_("What"), required=False)
    capacity = forms.IntegerField(label=_("People"), required=False, min_value=1, max_value=500)
    amenities = forms.MultipleChoiceField(
        label=_("Amenities"), required=False, widget=forms.CheckboxSelectMultiple
    )
    max_price = forms.DecimalField(
        label=_("Max price"),
        required=False,
        min_value=0,
        max_digits=8,
        decimal_places=2,
        help_text=_("Per hour for rooms, per pass for passes."),
    )
    provider = forms.ChoiceField(label=_("Provider"), required=False)
    date = forms.DateField(
        label=_("When"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Spaces open that day; their calendars open on that week."),
    )

    def clean_date(self):
        day = self.cleaned_data.get("date")
        if day and day < dt.date.today() - dt.timedelta(days=1):
            raise forms.ValidationError(_("Pick today or a later day."))
        if day and day > dt.date.today() + dt.timedelta(days=rules.MAX_DAYS_AHEAD):
            raise forms.ValidationError(_("Pick a day within a year."))
        return day

    def __init__(self, *args, choices: dict, **kwargs):
        super().__init__(*args, **kwargs)
        anything = [("", _("Any"))]
        self.fields["city"].widget.choices = anything + [(c, c) for c in choices["cities"]]
        self.fields["country"].widget.choices = anything + [
            (code, name or code) for code, name in choices["countries"]
        ]
        kind = cast(forms.ChoiceField, self.fields["kind"])
        kind.choices = anything + list(ResourceKind.choices) + list(OfferKind.choices)
        amenities = cast(forms.MultipleChoiceField, self.fields["amenities"])
        amenities.choices = choices["amenities"]
        provider = cast(forms.ChoiceField, self.fields["provider"])
        provider.choices = [*anything, *registry.choices()]


class MemberPasswordResetForm(PasswordResetForm):
    """The reset email speaks the member's own language, not the visitor's browser's."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        language = getattr(context.get("user"), "language", None) or translation.get_language()
        with translation.override(language):
            super().send_mail(
                subject_template_name,
                email_template_name,
                context,
                from_email,
                to_email,
                html_email_template_name,
            )
