"""Bookings, their history, and members' calendar-feed tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
import zoneinfo

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from providers import messages


def _nonce() -> str:
    """Kept for migration 0001 (feed tokens were HMACs of a nonce until 0008)."""
    return secrets.token_hex(16)


def _feed_token() -> str:
    return secrets.token_urlsafe(32)  # 256 random bits, 43 URL-safe characters


class Status(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUBMITTING = "submitting", _("Sending to the provider")
    CONFIRMED = "confirmed", _("Confirmed")
    AWAITING_REGISTRATION = "awaiting_registration", _("Waiting for your registration")
    AWAITING_APPROVAL = "awaiting_approval", _("Waiting for approval")
    REJECTED = "rejected", _("Refused by the provider")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")
    # the member cancelled; the provider has no cancel call, so staff cancel it there by
    # hand, and the booking is cancelled when they say it is done
    CANCELLATION_REQUESTED = "cancellation_requested", _("Cancellation requested")
    # the space cancelled it (found by the periodic re-check, or reported by the provider)
    CANCELLED_BY_PROVIDER = "cancelled_by_provider", _("Cancelled by the space")


# Bookings that hold their slot: a second member cannot take it while one of these lives.
HOLDING = (
    Status.PENDING,
    Status.SUBMITTING,
    Status.CONFIRMED,
    Status.AWAITING_REGISTRATION,
    Status.AWAITING_APPROVAL,
    Status.CANCELLATION_REQUESTED,  # the provider still holds it until staff cancel it
)
# what a member may cancel
LIVE = (
    Status.PENDING,
    Status.SUBMITTING,
    Status.CONFIRMED,
    Status.AWAITING_REGISTRATION,
    Status.AWAITING_APPROVAL,
)
FINAL = (Status.REJECTED, Status.FAILED, Status.CANCELLED, Status.CANCELLED_BY_PROVIDER)


class Kind(models.TextChoices):
    ROOM = "room", _("Room")
    PASS = "pass", _("Pass")
    INQUIRY = "inquiry", _("Inquiry")


# the fields whose change moves a booking's hold (``bookings.holds``)
_HOLD_FIELDS = {"status", "start", "end", "resource", "resource_id", "offer", "offer_id"}


class BookingQuerySet(models.QuerySet):
    """Bulk writes send no signal: they tell ``bookings.holds`` themselves (the member's
    pages on any update, the holds when a field that moves one changes)."""

    def update(self, **kwargs):
        from bookings import holds

        rows = list(self.values_list("resource_id", "offer_id", "member_id").distinct())
        count = super().update(**kwargs)
        if count:
            changed = [("member", member) for _, _, member in rows]  # what the member sees
            if _HOLD_FIELDS & kwargs.keys() or "updated_at" in kwargs:
                changed += [("resource", r) for r, _, _ in rows]
                changed += [("offer", o) for _, o, _ in rows]
            holds.changed(changed)
        return count

    def bulk_create(self, objs, *args, **kwargs):
        from bookings import holds

        created = super().bulk_create(objs, *args, **kwargs)
        holds.changed([item for booking in created for item in holds.of_booking(booking)])
        return created


class Booking(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    space = models.ForeignKey("providers.Space", on_delete=models.PROTECT, related_name="bookings")
    resource = models.ForeignKey(
        "providers.Resource",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bookings",
    )
    offer = models.ForeignKey(
        "providers.Offer", on_delete=models.PROTECT, null=True, blank=True, related_name="bookings"
    )
    # one occurrence of a recurring booking (``BookingSeries``); None: a booking of its own
    series = models.ForeignKey(
        "bookings.BookingSeries",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="occurrences",
    )
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.PENDING)
    # What is held, as aware instants (a pass from local midnight to local midnight).
    start = models.DateTimeField()
    end = models.DateTimeField()
    attendees = models.PositiveIntegerField(default=1)
    title = models.CharField(max_length=200, blank=True)
    message = models.TextField(blank=True)  # inquiries: what the member needs
    price = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    quote = models.JSONField(default=dict, blank=True)  # the breakdown shown before confirming
    # What the provider said.
    provider_reference = models.CharField(max_length=200, blank=True)
    access_code = models.CharField(max_length=200, blank=True)
    qr_url = models.URLField(max_length=500, blank=True)
    valid_from = models.DateTimeField(null=True, blank=True)
    valid_to = models.DateTimeField(null=True, blank=True)
    # words for the member, what to do now: a stored ``providers.messages.Message``
    # (rendered in the reader's language by ``next_step_text``) or plain text
    next_step = models.TextField(blank=True)
    provider_message = models.TextField(blank=True)  # a refusal's reason, in plain words
    submit_attempts = models.PositiveIntegerField(default=0)
    # not sent before this time: a series spreads its submissions within the provider's
    # rate limit, and the sweep leaves a booking alone until then
    submit_after = models.DateTimeField(null=True, blank=True)
    # One per booking form the member opened: the same form sent twice (a double click,
    # back and confirm again, a retried request) finds this booking instead of a second.
    idempotency_key = models.UUIDField(null=True, blank=True, editable=False)
    # When the periodic re-check last read it back from the provider.
    checked_at = models.DateTimeField(null=True, blank=True)
    sequence = models.PositiveIntegerField(default=0)  # raised on every change (RFC 5545)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        ordering = ("-start",)
        indexes = [
            models.Index(fields=["resource", "status", "start"]),
            models.Index(fields=["offer", "status", "start"]),
            models.Index(fields=["member", "start"]),
            # the reminder scan: confirmed bookings starting in the next two days
            models.Index(fields=["status", "start"], name="booking_status_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="booking_ends_after_start"
            ),
            models.UniqueConstraint(
                fields=["member", "idempotency_key"], name="booking_one_per_form"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()} {self.start:%Y-%m-%d} {self.status}"

    @property
    def next_step_text(self) -> str:
        return messages.render(self.next_step)

    @property
    def provider_message_text(self) -> str:
        return messages.render(self.provider_message)

    @property
    def item(self):
        return self.resource or self.offer

    @property
    def what(self) -> str:
        """What was booked, in pages, emails and calendars: the member's title, when
        given, before the room's or pass's name, which is never dropped."""
        name = self.item.name if self.item else ""
        if self.title and name and self.title != name:
            return f"{self.title} · {name}"
        return self.title or name

    @property
    def last_day(self) -> dt.date | None:
        """A pass's last day in its space's zone when it lasts more than its first (a
        month's membership from 7 December: 6 January); None: one day."""
        zone = zoneinfo.ZoneInfo(self.space.timezone)
        first = self.start.astimezone(zone).date()
        last = (self.end.astimezone(zone) - dt.timedelta(days=1)).date()
        return last if last > first else None

    @property
    def is_live(self) -> bool:
        return self.status in LIVE

    @property
    def is_past(self) -> bool:
        return self.end <= timezone.now()

    @property
    def shows_access(self) -> bool:
        """Whether its access code and QR link are shown: they still work at the space while
        a cancellation is with staff, and are gone once the booking has ended badly."""
        return self.status not in FINAL

    @property
    def member_can_cancel(self) -> bool:
        """Whether its member may cancel it now (the member's cancel button)."""
        from bookings import rules  # a real cycle: the rules read this module's statuses

        return rules.can_cancel(self, self.member, timezone.now())

    @property
    def member_can_check_in(self) -> bool:
        """Whether its member may check in at the space now (the check-in button)."""
        from bookings import rules  # a real cycle, as above

        if not self.space.account.spec.capabilities.check_in:
            return False  # asked on every booking page: no query where it cannot be
        visited = Visit.objects.filter(booking=self).exists()
        return rules.check_in_refusal(self, self.member, timezone.now(), visited=visited) is None

    @property
    def open_visit(self) -> Visit | None:
        """Its check-in while the member has not checked out (the check-out button)."""
        return Visit.objects.filter(booking=self, checked_out_at__isnull=True).first()

    @property
    def cancellation_policy(self) -> str:
        """Until when cancelling it is free, or what it may cost now, where the space says
        (``rules.cancellation_policy``); "" once it is no longer live, or not said."""
        from bookings import rules  # a real cycle, as above

        return rules.booking_cancellation_policy(self, timezone.now()) if self.is_live else ""


class BookingEvent(models.Model):
    """One transition of a booking: who, when, why, and what the provider replied."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    actor_label = models.CharField(max_length=60, default="system")  # member, staff, worker
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24)
    reason = models.TextField(blank=True)
    provider_reply = models.JSONField(null=True, blank=True)
    # When the member was emailed about this event: claimed with a conditional update
    # before sending, so a re-delivered email task never sends the same email twice.
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("at", "pk")

    def __str__(self) -> str:
        return f"{self.from_status or '∅'} → {self.to_status}"


class FeedTokenQuerySet(models.QuerySet):
    """A bulk ``update()`` (a link turned off) sends no signal: it tells the feed's kept
    links itself (``bookings.calendars.links_changed``), so the link stops at once."""

    def update(self, **kwargs):
        from bookings import calendars

        count = super().update(**kwargs)
        if count:
            calendars.links_changed()
        return count


class FeedToken(models.Model):
    """A member's calendar subscription link: off until the member turns it on, renewable,
    and off again for good when the member turns it off.

    The token is random and stored as it is, so the link the profile shows is the link the
    feed accepts, whatever happens to ``SECRET_KEY`` (the feed shows nothing a copy of the
    database does not hold already). The feed finds the row by the token's SHA-256
    (``digest``, a unique index), so no comparison of the secret itself can leak it by
    timing. Nothing makes a link but the member asking for one (``renew``).
    """

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_tokens"
    )
    token = models.CharField(max_length=64, default=_feed_token, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = FeedTokenQuerySet.as_manager()

    def __str__(self) -> str:
        return f"feed of {self.member} ({'revoked' if self.revoked_at else 'active'})"

    def save(self, *args, **kwargs):
        self.digest = self.hash(self.token)  # the digest is always the token's
        super().save(*args, **kwargs)

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def active(cls, member) -> FeedToken | None:
        """The member's link if they turned one on (and not off since); never makes one."""
        return cls.objects.filter(member=member, revoked_at__isnull=True).first()

    @classmethod
    def renew(cls, member) -> FeedToken:
        """Turn the member's link on, or replace it: the old link stops working."""
        cls.revoke(member)
        return cls.objects.create(member=member)

    @classmethod
    def revoke(cls, member) -> int:
        """Turn the member's link off: subscriptions stop working. How many were on."""
        return cls.objects.filter(member=member, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )

    @classmethod
    def member_for(cls, token: str):
        row = (
            cls.objects.select_related("member")
            .filter(digest=cls.hash(token), revoked_at__isnull=True)
            .first()
        )
        return row.member if row else None


class ProviderIdentity(models.Model):
    """Who a member is at one provider account (a Workways organization, a Zentry user),
    created or linked once and remembered."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="provider_identities"
    )
    account = models.ForeignKey("providers.ProviderAccount", on_delete=models.CASCADE)
    data = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("provider identity")
        verbose_name_plural = _("provider identities")
        constraints = [
            models.UniqueConstraint(fields=["member", "account"], name="one_identity_per_account")
        ]

    def __str__(self) -> str:
        return f"{self.member} at {self.account}"


class WindowState(models.TextChoices):
    FREE = "free", _("free")
    UNKNOWN = "unknown", _("unknown")  # the provider could not answer: never shown as free


class AvailabilityWindow(models.Model):
    """The availability index: one free (or unknown) interval of a bookable item.

    A room's row is a free interval on one local day (UTC instants, the space's zone
    named); a pass's row is one whole local day with the places left where the provider
    counts them. Rows of an item and day are replaced together each time the provider's
    answer for that day is read (``fetched_at``, ``source``). Search reads only this table;
    the live check at booking time stays.
    """

    resource = models.ForeignKey(
        "providers.Resource",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="windows",
    )
    offer = models.ForeignKey(
        "providers.Offer", on_delete=models.CASCADE, null=True, blank=True, related_name="windows"
    )
    space = models.ForeignKey("providers.Space", on_delete=models.CASCADE, related_name="windows")
    day = models.DateField()  # the local day in the space's zone
    start = models.DateTimeField()
    end = models.DateTimeField()
    timezone = models.CharField(max_length=64)
    state = models.CharField(max_length=8, choices=WindowState.choices, default=WindowState.FREE)
    places_left = models.PositiveIntegerField(null=True, blank=True)  # None: not counted
    fetched_at = models.DateTimeField()  # when the provider's answer was read
    source = models.CharField(max_length=40, blank=True)  # which answer: "thia:slots"...

    class Meta:
        indexes = [
            models.Index(fields=["start", "end"]),
            models.Index(fields=["resource", "day"]),
            models.Index(fields=["offer", "day"]),
            models.Index(fields=["space", "day"]),
            # search: the asked day's rows, narrowed by start, read from the index alone
            # (an index-only scan: every column search reads is in the index)
            models.Index(
                fields=["day", "start"],
                include=[
                    "end",
                    "state",
                    "resource",
                    "offer",
                    "space",
                    "timezone",
                    "places_left",
                    "fetched_at",
                    "id",
                ],
                name="window_day_covering",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="window_ends_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(resource__isnull=False) | models.Q(offer__isnull=False),
                name="window_of_an_item",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resource or self.offer} {self.start:%Y-%m-%d %H:%M}+ {self.state}"


class ExchangeRate(models.Model):
    """Staff's rate for showing prices in a member's currency (approximate, never charged)."""

    currency = models.CharField(max_length=3, unique=True)
    # how many units of this currency one euro buys (EUR itself is 1)
    per_euro = models.DecimalField(max_digits=12, decimal_places=6)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("currency",)

    def __str__(self) -> str:
        return f"1 EUR = {self.per_euro} {self.currency}"


# Models of the member's extras (check-in visits, recurring series, reminders, the
# waitlist) live in their own module; imported here so Django registers them and
# ``bookings.models`` still names every model of the app.
from bookings.member_models import (  # noqa: E402
    BookingSeries,
    Reminder,
    Visit,
    WaitlistEntry,
    WaitlistState,
)

__all__ = [
    "FINAL",
    "HOLDING",
    "LIVE",
    "AvailabilityWindow",
    "Booking",
    "BookingEvent",
    "BookingSeries",
    "ExchangeRate",
    "FeedToken",
    "Kind",
    "ProviderIdentity",
    "Reminder",
    "Status",
    "Visit",
    "WaitlistEntry",
    "WaitlistState",
    "WindowState",
]
