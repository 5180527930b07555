"""The staff panel for bookings: filters, history inline, and the actions staff need."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from bookings import emails, services
from bookings.models import Booking, BookingEvent, FeedToken, ProviderIdentity, Status


class BookingEventInline(admin.TabularInline):
    model = BookingEvent
    extra = 0
    can_delete = False
    max_num = 0
    fields = ("at", "actor_label", "actor", "from_status", "to_status", "reason", "provider_reply")
    readonly_fields = fields


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ("id", "start", "member", "space", "item_name", "kind", "status", "provider")
    list_filter = (
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
    readonly_fields = [f.name for f in Booking._meta.fields if f.name != "id"]
    actions = [
        "retry",
        "cancel_at_provider",
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

    def _each(self, request, queryset, action, done):
        ok = 0
        for booking in queryset:
            try:
                with transaction.atomic():
                    action(booking)
                ok += 1
            except (services.BookingError, ValueError) as exc:
                self.message_user(request, f"#{booking.pk}: {exc}", messages.WARNING)
        if ok:
            self.message_user(request, done % {"n": ok}, messages.SUCCESS)

    @admin.action(description=_("Retry: send again (reconciled first)"))
    def retry(self, request, queryset):
        self._each(
            request,
            queryset.filter(status=Status.FAILED),
            lambda b: services.retry(b, actor=request.user),
            "%(n)s booking(s) queued again",
        )

    @admin.action(description=_("Cancel at the provider"))
    def cancel_at_provider(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda b: services.cancel(
                b, actor=request.user, actor_label="staff", reason="cancelled by staff"
            ),
            "%(n)s booking(s) cancelled",
        )

    @admin.action(description=_("Confirm request / approve"))
    def confirm_request(self, request, queryset):
        self._each(
            request,
            queryset.filter(status__in=[Status.AWAITING_APPROVAL, Status.AWAITING_REGISTRATION]),
            lambda b: services.staff_decide(b, approve=True, actor=request.user),
            "%(n)s booking(s) confirmed",
        )

    @admin.action(description=_("Decline request"))
    def decline_request(self, request, queryset):
        self._each(
            request,
            queryset.filter(status__in=[Status.AWAITING_APPROVAL, Status.AWAITING_REGISTRATION]),
            lambda b: services.staff_decide(b, approve=False, actor=request.user),
            "%(n)s request(s) declined",
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
    exclude = ("nonce", "digest")
