"""The staff panel for bookings: the history of each booking, filters, and actions.

Times are shown in the space's zone with the zone named (a 14:00 Vienna booking reads
14:00 wherever staff sit). Every action goes through a confirmation page with a reason:
it is kept in the booking's history (``BookingEvent``) and the admin log (``LogEntry``),
and where the member is emailed it is quoted there, in the member's language around it;
a decline needs one. Acting needs the change permission: a viewer sees no action.
"""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from typing import TYPE_CHECKING

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.formats import date_format, time_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from bookings import emails, services
from bookings.models import (
    Booking,
    ExchangeRate,
    FeedToken,
    ProviderIdentity,
    Status,
)
from providers import registry

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

REQUESTS = (Status.AWAITING_APPROVAL, Status.AWAITING_REGISTRATION)


def _local(moment: dt.datetime | None, zone_name: str) -> str:
    """A moment in the space's zone, the zone named (never the staff member's zone)."""
    if moment is None:
        return "—"
    local = moment.astimezone(zoneinfo.ZoneInfo(zone_name))
    return f"{date_format(local, 'D j M Y, H:i')} ({zone_name})"


def _when(booking: Booking) -> str:
    zone = zoneinfo.ZoneInfo(booking.space.timezone)
    start, end = booking.start.astimezone(zone), booking.end.astimezone(zone)
    if start.date() == end.date():
        return f"{date_format(start, 'D j M Y, H:i')}\u2013{time_format(end, 'H:i')}"
    return f"{date_format(start, 'D j M Y, H:i')} \u2013 {date_format(end, 'D j M Y, H:i')}"


class TitledChoicesFilter(admin.ChoicesFieldListFilter):
    """A choices filter under its own title (two fields are both called "kind")."""

    custom_title: StrOrPromise = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = self.custom_title


class BookingKindFilter(TitledChoicesFilter):
    custom_title = _("booking kind")


class ProviderKindFilter(admin.AllValuesFieldListFilter):
    """The provider (account kind), by its name: "4Spaces", not "fourspaces"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = _("provider")

    def choices(self, changelist):
        for choice in super().choices(changelist):
            kind, paren, count = str(choice["display"]).partition(" (")
            yield {**choice, "display": f"{registry.label(kind)}{paren}{count}"}


class StaffTaskFilter(admin.SimpleListFilter):
    """Staff's queue: what waits for a person."""

    title = _("staff to do")
    parameter_name = "todo"

    def lookups(self, request, model_admin):
        return (
            ("cancel", _("Cancel at the provider by hand")),
            ("answer", _("Requests to approve or decline")),
            ("failed", _("Failed: retry or tell the member")),
        )

    def queryset(self, request, queryset):
        wanted = {
            "cancel": (Status.CANCELLATION_REQUESTED,),
            "answer": REQUESTS,
            "failed": (Status.FAILED,),
        }.get(self.value() or "")
        return queryset.filter(status__in=wanted) if wanted else queryset


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        help_text=_("Kept in the booking's history and the admin log, and sent to the member."),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        max_length=2000,
    )

    def __init__(self, *args, required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = required


# Changing a booking (and telling the member) needs the change permission: a viewer
# sees no action, and a POST of one is refused.
ACT = ("change",)
# In the change page, times are shown in the space's zone instead of the raw fields.
TIMES = {"start", "end", "valid_from", "valid_to", "checked_at", "created_at", "updated_at"}


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ("id", "when", "member_email", "what", "state")
    list_display_links = ("id", "when")
    list_filter = (
        StaffTaskFilter,
        "status",
        ("kind", BookingKindFilter),
        ("space__account__kind", ProviderKindFilter),
        "space",
        ("start", admin.DateFieldListFilter),
    )
    search_fields = (
        "member__email",
        "member__last_name",
        "provider_reference",
        "title",
        "uid",
        "space__name",
        "space__account__name",
        "space__account__kind",
    )
    date_hierarchy = "start"
    list_select_related = ("member", "space__account", "resource", "offer")
    readonly_fields = [f.name for f in Booking._meta.fields if f.name not in {"id", *TIMES}] + [
        "approval",
        "when",
        "space_zone",
        "valid_local",
        "checked_local",
        "created_local",
        "timeline",
    ]
    actions = [
        "retry",
        "cancel_at_provider",
        "mark_cancelled",
        "confirm_request",
        "decline_request",
        "check_provider",
        "resend_email",
    ]

    def get_fields(self, request, obj=None):
        # what staff look for first: when, where, how it stands; the history last
        first = ["when", "space_zone", "status", "approval", "member", "space"]
        rest = [f for f in self.readonly_fields if f not in first and f != "timeline"]
        return [*first, *rest, "timeline"]

    def has_add_permission(self, request):
        return False  # bookings are made by members

    def has_delete_permission(self, request, obj=None):
        return False  # never lose a booking; cancel it instead

    def changelist_view(self, request, extra_context=None):
        if (
            request.method == "POST"
            and request.POST.get("action")
            and not self.has_change_permission(request)
        ):
            raise PermissionDenied  # a viewer reads; acting needs the change permission
        return super().changelist_view(request, extra_context)

    def get_search_results(self, request, queryset, search_term):
        # a booking's number finds it too (a provider reference may be any word)
        found, duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip().lstrip("#")
        if term.isdigit():
            found = found | queryset.filter(pk=int(term))
        return found, duplicates

    # --- columns ---------------------------------------------------------------------

    @admin.display(description=_("when (space's time)"), ordering="start")
    def when(self, booking):
        day, _sep, hours = _when(booking).partition(", ")
        return format_html(
            '{}<br>{} <span class="booking-zone">{}</span>', day, hours, booking.space.timezone
        )

    @admin.display(description=_("member"), ordering="member__email")
    def member_email(self, booking):
        return booking.member.email

    @admin.display(description=_("what and where"))
    def what(self, booking):
        item = booking.item.name if booking.item else "—"
        return format_html(
            '{}<br><span class="booking-sub">{} · {}</span>',
            item,
            booking.space.name,
            booking.get_kind_display(),
        )

    @admin.display(description=_("status and provider"), ordering="status")
    def state(self, booking):
        return format_html(
            '<span class="booking-status booking-status-{}">{}</span><br>'
            '<span class="booking-sub">{}</span>',
            booking.status,
            booking.get_status_display(),
            booking.space.account.label,
        )

    @admin.display(description=_("time zone of the space"))
    def space_zone(self, booking):
        return booking.space.timezone

    @admin.display(description=_("valid (codes)"))
    def valid_local(self, booking):
        if booking.valid_from is None and booking.valid_to is None:
            return "—"
        zone = booking.space.timezone
        return f"{_local(booking.valid_from, zone)} \u2013 {_local(booking.valid_to, zone)}"

    @admin.display(description=_("last read back from the provider"))
    def checked_local(self, booking):
        return _local(booking.checked_at, booking.space.timezone)

    @admin.display(description=_("made"))
    def created_local(self, booking):
        return _local(booking.created_at, booking.space.timezone)

    @admin.display(description=_("approval"))
    def approval(self, booking):
        """Next to "Confirm request / approve": whether it reaches the provider."""
        if booking.status not in REQUESTS:
            return "—"
        return services.approval_note(booking)

    @admin.display(description=_("history"))
    def timeline(self, booking):
        """Every event, oldest first, with who acted, why and what the provider replied."""
        return render_to_string(
            "admin/bookings/booking/timeline.html",
            {"events": timeline_rows(booking)},
        )

    # --- actions ---------------------------------------------------------------------

    def _each(self, request, queryset, action, done, *, title="", reason=""):
        """Run ``action`` on each booking; record each success in the admin log."""
        ok = 0
        for booking in queryset:
            try:
                with transaction.atomic():
                    said = action(booking)
                ok += 1
            except services.BookingError as exc:
                self.message_user(request, f"#{booking.pk}: {exc.message}", messages.ERROR)
                continue
            except ValueError as exc:
                self.message_user(request, f"#{booking.pk}: {exc}", messages.WARNING)
                continue
            entry = f"{title}: {reason}" if reason else str(title)
            self.log_change(
                request, booking, f"{entry} ({said})" if isinstance(said, str) else entry
            )
            if isinstance(said, str):
                self.message_user(request, f"#{booking.pk}: {said}", messages.INFO)
        if ok:
            self.message_user(request, done % {"n": ok}, messages.SUCCESS)

    def _confirm_page(self, request, queryset, *, action, title, intro, form, status=200):
        """The intermediate page of an action: the bookings it applies to, what happens to
        each, and a reason; posting it back with "apply" runs the action."""
        rows = [(b, _when(b), self._consequence(action, b)) for b in queryset]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "intro": intro,
            "rows": rows,
            "form": form,
            "action": action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(
            request, "admin/bookings/booking/action_confirm.html", context, status=status
        )

    @staticmethod
    def _consequence(action: str, booking: Booking) -> str:
        label = booking.space.account.label
        consequences = {
            "retry": _("Sent to %(p)s again (reconciled first)."),
            "cancel_at_provider": _("Cancelled at %(p)s where it has a cancel call."),
            "check_provider": _("%(p)s is asked how it holds this booking now."),
            "mark_cancelled": _("Cancel it at %(p)s first; this only records that it is done."),
        }
        if action == "confirm_request":
            return services.approval_note(booking)
        if action == "decline_request":
            if booking.provider_reference and booking.space.account.spec.capabilities.cancel:
                return _("Cancelled at %(p)s (it has no decline call).") % {"p": label}
            return _("%(p)s has no call for this: tell the space yourself.") % {"p": label}
        return consequences.get(action, "") % {"p": label}

    def _with_reason(self, request, queryset, *, action, title, intro, run, done, required=True):
        """Ask for confirmation and a reason; on "apply" with a valid form, run."""
        if "apply" not in request.POST:
            form = ReasonForm(required=required)
            return self._confirm_page(
                request, queryset, action=action, title=title, intro=intro, form=form
            )
        form = ReasonForm(request.POST, required=required)
        if not form.is_valid():
            return self._confirm_page(
                request, queryset, action=action, title=title, intro=intro, form=form, status=400
            )
        reason = form.cleaned_data["reason"].strip()
        self._each(request, queryset, lambda b: run(b, reason), done, title=title, reason=reason)
        return None

    def _only(self, request, queryset, statuses, none_message):
        picked = queryset.filter(status__in=statuses)
        if not picked.exists():
            self.message_user(request, none_message, messages.ERROR)
            return None
        return picked

    @admin.action(description=_("Retry: send again (reconciled first)"), permissions=ACT)
    def retry(self, request, queryset):
        queryset = self._only(request, queryset, (Status.FAILED,), _("None of these failed."))
        if queryset is None:
            return None
        return self._with_reason(
            request,
            queryset,
            action="retry",
            title=_("Retry: send again"),
            intro=_("Each booking is sent to its provider again."),
            run=lambda b, reason: services.retry(b, actor=request.user, note=reason),
            done="%(n)s booking(s) queued again",
            required=False,
        )

    @admin.action(
        description=_("Cancel (at the provider where it has a cancel call)"), permissions=ACT
    )
    def cancel_at_provider(self, request, queryset):
        return self._with_reason(
            request,
            queryset,
            action="cancel_at_provider",
            title=_("Cancel"),
            intro=_("The member is told their booking is cancelled, with your reason."),
            run=lambda b, reason: services.cancel(
                b,
                actor=request.user,
                actor_label="staff",
                reason=emails.with_staff_note("cancelled by staff", reason),
            ),
            done="%(n)s booking(s) cancelled, or waiting for you to cancel them at the provider",
        )

    @admin.action(description=_("Mark cancelled at the provider (done by hand)"), permissions=ACT)
    def mark_cancelled(self, request, queryset):
        queryset = self._only(
            request,
            queryset,
            (Status.CANCELLATION_REQUESTED,),
            _("None of these waits for a cancellation."),
        )
        if queryset is None:
            return None
        return self._with_reason(
            request,
            queryset,
            action="mark_cancelled",
            title=_("Mark cancelled at the provider"),
            intro=_(
                "Only once you have cancelled these at the provider: the member is told "
                "their booking is cancelled. Say how it was done (kept in the history and "
                "sent to the member)."
            ),
            run=lambda b, reason: services.complete_cancellation(
                b, actor=request.user, note=reason
            ),
            done="%(n)s booking(s) cancelled",
        )

    @admin.action(description=_("Confirm request / approve"), permissions=ACT)
    def confirm_request(self, request, queryset):
        queryset = self._only(request, queryset, REQUESTS, _("None of these is a request."))
        if queryset is None:
            return None
        return self._with_reason(
            request,
            queryset,
            action="confirm_request",
            title=_("Confirm request / approve"),
            intro=_("Each booking is confirmed as its line says."),
            run=lambda b, reason: services.approve_request(b, actor=request.user, note=reason),
            done="%(n)s booking(s) confirmed",
            required=False,
        )

    @admin.action(description=_("Decline request (with a reason for the member)"), permissions=ACT)
    def decline_request(self, request, queryset):
        queryset = self._only(request, queryset, REQUESTS, _("None of these is a request."))
        if queryset is None:
            return None
        return self._with_reason(
            request,
            queryset,
            action="decline_request",
            title=_("Decline request"),
            intro=_("The member reads your reason on their booking page and in their email."),
            run=lambda b, reason: services.decline_request(b, actor=request.user, reason=reason),
            done="%(n)s request(s) declined",
        )

    @admin.action(description=_("Ask the provider for the latest state"), permissions=ACT)
    def check_provider(self, request, queryset):
        return self._with_reason(
            request,
            queryset,
            action="check_provider",
            title=_("Ask the provider"),
            intro=_("Each provider is asked now; what it answers is applied and shown."),
            run=lambda b, reason: services.ask_provider(b, actor=request.user),
            done="%(n)s provider answer(s)",
            required=False,
        )

    @admin.action(description=_("Resend the email"), permissions=ACT)
    def resend_email(self, request, queryset):
        return self._with_reason(
            request,
            queryset,
            action="resend_email",
            title=_("Resend the email"),
            intro=_("The member gets the email of the booking's current state again."),
            run=lambda b, reason: emails.resend(b.pk),
            done="%(n)s email(s) queued",
            required=False,
        )


def timeline_rows(booking: Booking) -> list[dict]:
    """The booking's events for the timeline, in the space's zone, oldest first."""
    zone = booking.space.timezone
    labels = dict(Status.choices)
    rows = []
    for event in booking.events.select_related("actor").order_by("at", "pk"):
        reply = event.provider_reply
        rows.append(
            {
                "at": _local(event.at, zone),
                "iso": event.at.isoformat(),
                "actor": event.actor.get_username() if event.actor else "",
                "actor_label": event.actor_label,
                "from": labels.get(event.from_status, event.from_status),
                "to": labels.get(event.to_status, event.to_status),
                "reason": event.reason,
                "note": emails.staff_note(event),
                "reply": json.dumps(reply, indent=2, ensure_ascii=False, default=str)
                if reply not in (None, "", {}, [])
                else "",
                "emailed": _local(event.emailed_at, zone) if event.emailed_at else "",
            }
        )
    return rows


@admin.register(ProviderIdentity)
class ProviderIdentityAdmin(admin.ModelAdmin):
    list_display = ("member", "account", "updated_at")
    search_fields = ("member__email",)
    readonly_fields = ("member", "account", "data", "updated_at")


@admin.register(FeedToken)
class FeedTokenAdmin(admin.ModelAdmin):
    list_display = ("member", "created_at", "revoked_at")
    readonly_fields = ("member", "created_at", "revoked_at")
    exclude = ("token", "digest")  # the link is the member's secret


class ExchangeRateForm(forms.ModelForm):
    class Meta:
        model = ExchangeRate
        fields = ("currency", "per_euro")
        help_texts = {
            "currency": _("ISO 4217 code, three letters (RON, USD...)."),
            "per_euro": _("How many units of this currency one euro buys."),
        }

    def clean_currency(self):
        code = self.cleaned_data["currency"].strip().upper()
        if len(code) != 3 or not code.isalpha():
            raise forms.ValidationError(_("Use the three-letter ISO 4217 code, e.g. USD."))
        return code

    def clean(self):
        cleaned = super().clean() or {}
        rate = cleaned.get("per_euro")
        if rate is not None and rate <= 0:
            self.add_error("per_euro", _("A rate is more than zero."))
        elif rate is not None and self.currency(cleaned) == "EUR" and rate != 1:
            self.add_error("per_euro", _("One euro is one euro: the rate of EUR is 1."))
        return cleaned

    def currency(self, cleaned) -> str:
        # the changelist edits the rate alone: the currency is then the row's
        return cleaned.get("currency") or self.instance.currency


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    """Staff's rates for display prices (approximate); who changed one is in its history."""

    form = ExchangeRateForm
    list_display = ("currency", "per_euro", "updated_at", "changed_by")
    list_editable = ("per_euro",)
    ordering = ("currency",)
    readonly_fields = ("updated_at", "changed_by")

    def get_changelist_form(self, request, **kwargs):
        # the rates edited in the list are checked as on the change page
        kwargs.setdefault("form", ExchangeRateForm)
        return super().get_changelist_form(request, **kwargs)

    @admin.display(description=_("last changed by"))
    def changed_by(self, obj: ExchangeRate) -> str:
        from django.contrib.admin.models import LogEntry
        from django.contrib.contenttypes.models import ContentType

        if obj.pk is None:
            return "-"
        entry = (
            LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(ExchangeRate),
                object_id=str(obj.pk),
            )
            .select_related("user")
            .order_by("-action_time")
            .first()
        )
        return str(entry.user) if entry else "-"
