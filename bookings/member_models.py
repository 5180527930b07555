"""The member's extras around bookings: check-in visits, recurring series, reminders
sent, and waitlist entries. Registered through ``bookings.models``, which imports them."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookings.member_rows import VisitQuerySet, WaitlistQuerySet
from bookings.models import Booking


class Visit(models.Model):
    """A member's check-in at the space for one booking, where the provider offers it
    (``Capabilities.check_in``: Zentry); the provider's record is the truth."""

    booking = models.OneToOneField(Booking, on_delete=models.PROTECT, related_name="visit")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="visits"
    )
    provider_reference = models.CharField(max_length=200)  # the provider's check-in id
    checked_in_at = models.DateTimeField()
    checked_out_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = VisitQuerySet.as_manager()  # a write replaces the member's visits token

    class Meta:
        ordering = ("-checked_in_at",)
        indexes = [models.Index(fields=["member", "checked_in_at"])]

    def __str__(self) -> str:
        return f"visit #{self.pk} of booking #{self.booking_id}"

    @property
    def is_open(self) -> bool:
        """Checked in, not out yet."""
        return self.checked_out_at is None


class BookingSeries(models.Model):
    """A recurring booking: one room at the same local time, daily, weekly or every two
    weeks until a last day (at most ``bookings.recurrence.MAX_OCCURRENCES`` times). Each
    occurrence is a ``Booking`` of its own (``occurrences``), sent to the provider like
    any other; the occurrences that were not free when the series was made are kept in
    ``skipped`` to be shown on the series page."""

    class Frequency(models.TextChoices):
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="booking_series"
    )
    resource = models.ForeignKey(
        "providers.Resource", on_delete=models.PROTECT, related_name="booking_series"
    )
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    interval = models.PositiveSmallIntegerField(default=1)  # 2: every two weeks
    first_day = models.DateField()  # the local day of the first occurrence
    until = models.DateField()  # the last local day an occurrence may start on
    count = models.PositiveSmallIntegerField()  # at most this many occurrences
    # local wall-clock times in ``timezone`` (the space's): the same on every date
    start_time = models.TimeField()
    end_time = models.TimeField()
    timezone = models.CharField(max_length=64)
    attendees = models.PositiveIntegerField(default=1)
    title = models.CharField(max_length=200, blank=True)
    # occurrences not booked: [{"start", "end", "state": "taken" | "refused", "reason"}],
    # in the order of their dates
    skipped = models.JSONField(default=list, blank=True)
    idempotency_key = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at",)
        verbose_name = _("booking series")
        verbose_name_plural = _("booking series")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "idempotency_key"], name="series_one_per_form"
            ),
            models.CheckConstraint(
                condition=models.Q(until__gte=models.F("first_day")), name="series_until_after"
            ),
        ]

    def __str__(self) -> str:
        return f"series #{self.pk} {self.frequency}/{self.interval} {self.first_day}..{self.until}"

    @property
    def repeat(self) -> str:
        """The booking form's word for the rule: daily, weekly or biweekly."""
        if self.frequency == self.Frequency.DAILY:
            return "daily"
        return "biweekly" if self.interval == 2 else "weekly"

    @property
    def minutes(self) -> int:
        """The length of one occurrence, on the wall clock (past midnight: the next day)."""
        start = self.start_time.hour * 60 + self.start_time.minute
        end = self.end_time.hour * 60 + self.end_time.minute
        return (end - start) % (24 * 60) or 24 * 60


class Reminder(models.Model):
    """One reminder email of a booking, ``minutes`` before its start. The row is the
    claim: a worker inserts it before sending, and the unique (booking, minutes) pair lets
    only one of two racing workers (or a re-delivered task, or a restarted beat) send."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="reminders")
    minutes = models.PositiveIntegerField()
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)  # None: claimed, being sent

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["booking", "minutes"], name="one_reminder_per_offset")
        ]

    def __str__(self) -> str:
        return f"reminder {self.minutes} min before booking {self.booking_id}"


class WaitlistState(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    NOTIFIED = "notified", _("Told it is free")
    EXPIRED = "expired", _("Expired")
    DROPPED = "dropped", _("Dropped")


class WaitlistEntry(models.Model):
    """A member waiting for something to free up (``bookings.waitlist``).

    Where: one room, one pass, or a search's place (its city or words, with a kind). When: a local
    day of the place's zone, from ``start_time`` to ``end_time`` (none: the day's start or
    end), needing ``minutes`` in a row (none: the whole window; a pass: the day). Who and
    how much: ``people``, and at most ``max_price`` in ``currency`` (none: any price).
    Told once: ``state`` leaves WAITING by a conditional update; ``matched_*`` is the
    window the member was told about, held for them a short while before the next one in
    line is told (first come, first served).
    """

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="waitlist_entries"
    )
    resource = models.ForeignKey(
        "providers.Resource", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    offer = models.ForeignKey(
        "providers.Offer", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    city = models.CharField(max_length=100, blank=True)  # a search's city
    q = models.CharField(max_length=100, blank=True)  # a search's "where" words
    kind = models.CharField(max_length=30, blank=True)  # a search kind (bookings.search.KINDS)
    date = models.DateField()  # the local day in the place's zone
    start_time = models.TimeField(null=True, blank=True)
    end_time = models.TimeField(null=True, blank=True)
    minutes = models.PositiveIntegerField(null=True, blank=True)
    people = models.PositiveIntegerField(default=1)
    max_price = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    state = models.CharField(
        max_length=10, choices=WaitlistState.choices, default=WaitlistState.WAITING
    )
    expires_at = models.DateTimeField()  # when the window starts: nothing to wait for then
    created_at = models.DateTimeField(default=timezone.now)
    notified_at = models.DateTimeField(null=True, blank=True)
    matched_resource = models.ForeignKey(
        "providers.Resource", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    matched_offer = models.ForeignKey(
        "providers.Offer", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    matched_start = models.DateTimeField(null=True, blank=True)
    matched_end = models.DateTimeField(null=True, blank=True)

    objects = WaitlistQuerySet.as_manager()  # a write replaces the member's waitlist token

    class Meta:
        ordering = ("created_at", "pk")
        verbose_name_plural = _("waitlist entries")
        indexes = [
            models.Index(fields=["state", "date"]),
            models.Index(fields=["member", "state"]),
            models.Index(fields=["matched_resource", "notified_at"]),
            models.Index(fields=["matched_offer", "notified_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(resource__isnull=False)
                | models.Q(offer__isnull=False)
                | ~models.Q(city="")
                | ~models.Q(q=""),
                name="waitlist_entry_has_a_place",
            ),
            models.CheckConstraint(condition=models.Q(people__gte=1), name="waitlist_people"),
        ]

    def __str__(self) -> str:
        return f"waitlist #{self.pk} {self.date} {self.state}"

    @property
    def item(self):
        return self.resource or self.offer
