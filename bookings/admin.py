"""The staff panel for bookings: filters, history inline, and the actions staff need.

Actions that change what a provider holds (mark a cancellation done, approve, decline)
go through a confirmation page; the ones that need words (a decline's reason shown to
the member, how a cancellation was done) ask for them there.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import transaction
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from bookings import emails, services
from bookings.models import (
    Booking,
    BookingEvent,
    ExchangeRate,
    FeedToken,
    ProviderIdentity,
    Status,
)

REQUESTS = (Status.AWAITING_APPROVAL, Status.AWAITING_REGISTRATION)


class BookingEventInline(admin.TabularInline):
    model = BookingEvent
    extra = 0
    can_delete = False
    max_num = 0
    fields = ("at", "actor_label", "actor", "from_status", "to_status", "reason", "provider_reply")
    readonly_fields = fields


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
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        max_length=2000,
    )


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ("id", "start", "member", "space", "item_name", "kind", "status", "provider")
    list_filter = (
        StaffTaskFilter,
        "status",
        "kind",
        "space__account__kind",
        "space",
        ("start", admin.DateFieldListFilter),
    )
    search_fields = ("member__email", "member__last_name", "provider_reference", "title", "uid")
    date_hierarchy = "start"
    list_select_related = ("member", "space__account", "resource", "offer")
    inlines = [BookingEventInline]
    readonly_fields = [f.name for f in Booking._meta.fields if f.name != "id"] + ["approval"]
    actions = [
        "retry",
        "cancel_at_provider",
        "mark_cancelled",
        "confirm_request",
        "decline_request",
        "check_provider",
        "resend_email",
    ]

    def has_add_permission(self, request):
        return False  # bookings are made by members

    def has_delete_permission(self, request, obj=None):
        return False  # never lose a booking; cancel it instead

    @admin.display(description=_("provider"), ordering="space__account__kind")
    def provider(self, booking):
        return booking.space.account.label

    @admin.display(description=_("what"))
    def item_name(self, booking):
        return booking.item.name if booking.item else "—"

    @admin.display(description=_("approval"))
    def approval(self, booking):
        """Next to "Confirm request / approve": whether it reaches the provider."""
        if booking.status not in REQUESTS:
            return "—"
        return services.approval_note(booking)

    def _each(self, request, queryset, action, done):
        ok = 0
        for booking in queryset:
            try:
                with transaction.atomic():
                    action(booking)
                ok += 1
            except services.BookingError as exc:
                self.message_user(request, f"#{booking.pk}: {exc.message}", messages.ERROR)
            except ValueError as exc:
                self.message_user(request, f"#{booking.pk}: {exc}", messages.WARNING)
        if ok:
            self.message_user(request, done % {"n": ok}, messages.SUCCESS)

    def _confirm_page(self, request, queryset, *, action, title, intro, form=None, status=200):
        """The intermediate page of an action: the bookings it applies to, what happens to
        each, and (for some) a reason; posting it back with "apply" runs the action."""
        rows = [(b, self._consequence(action, b)) for b in queryset]
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
        if action == "confirm_request":
            return services.approval_note(booking)
        if action == "decline_request":
            if booking.provider_reference and booking.space.account.spec.capabilities.cancel:
                return _("Cancelled at %(p)s (it has no decline call).") % {"p": label}
            return _("%(p)s has no call for this: tell the space yourself.") % {"p": label}
        return _("Cancel it at %(p)s first; this only records that it is done.") % {"p": label}

    def _with_reason(self, request, queryset, *, action, title, intro, run, done):
        if "apply" in request.POST:
            form = ReasonForm(request.POST)
            if form.is_valid():
                reason = form.cleaned_data["reason"]
                self._each(request, queryset, lambda b: run(b, reason), done)
                return None
            return self._confirm_page(
                request, queryset, action=action, title=title, intro=intro, form=form, status=400
            )
        return self._confirm_page(
            request, queryset, action=action, title=title, intro=intro, form=ReasonForm()
        )

    @admin.action(description=_("Retry: send again (reconciled first)"))
    def retry(self, request, queryset):
        self._each(
            request,
            queryset.filter(status=Status.FAILED),
            lambda b: services.retry(b, actor=request.user),
            "%(n)s booking(s) queued again",
        )

    @admin.action(description=_("Cancel (at the provider where it has a cancel call)"))
    def cancel_at_provider(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda b: services.cancel(
                b, actor=request.user, actor_label="staff", reason="cancelled by staff"
            ),
            "%(n)s booking(s) cancelled, or waiting for you to cancel them at the provider",
        )

    @admin.action(description=_("Mark cancelled at the provider (done by hand)"))
    def mark_cancelled(self, request, queryset):
        queryset = queryset.filter(status=Status.CANCELLATION_REQUESTED)
        if not queryset.exists():
            self.message_user(request, _("None of these waits for a cancellation."), messages.ERROR)
            return None
        return self._with_reason(
            request,
            queryset,
            action="mark_cancelled",
            title=_("Mark cancelled at the provider"),
            intro=_(
                "Only once you have cancelled these at the provider: the member is told "
                "their booking is cancelled. Say how it was done (kept in the history)."
            ),
            run=lambda b, reason: services.complete_cancellation(
                b, actor=request.user, note=reason
            ),
            done="%(n)s booking(s) cancelled",
        )

    @admin.action(description=_("Confirm request / approve"))
    def confirm_request(self, request, queryset):
        queryset = queryset.filter(status__in=REQUESTS)
        if not queryset.exists():
            self.message_user(request, _("None of these is a request."), messages.ERROR)
            return None
        if "apply" in request.POST:
            self._each(
                request,
                queryset,
                lambda b: services.approve_request(b, actor=request.user),
                "%(n)s booking(s) confirmed",
            )
            return None
        return self._confirm_page(
            request,
            queryset,
            action="confirm_request",
            title=_("Confirm request / approve"),
            intro=_("Each booking is confirmed as its line says."),
        )

    @admin.action(description=_("Decline request (with a reason for the member)"))
    def decline_request(self, request, queryset):
        queryset = queryset.filter(status__in=REQUESTS)
        if not queryset.exists():
            self.message_user(request, _("None of these is a request."), messages.ERROR)
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

    @admin.action(description=_("Ask the provider for the latest state"))
    def check_provider(self, request, queryset):
        self._each(request, queryset, services.refresh_from_provider, "%(n)s booking(s) checked")

    @admin.action(description=_("Resend the email"))
    def resend_email(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda b: emails.resend(b.pk),
            "%(n)s email(s) queued",
        )


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
