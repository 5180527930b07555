"""The beat's sweep: send again what a lost message or a dead worker left behind."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from bookings.models import Booking, Status
from bookings.services import submission


def sweep(now: dt.datetime | None = None) -> int:
    """Beat: send bookings whose message was lost (broker down when they were made, or a
    worker that died mid-submission)."""
    now = now or timezone.now()
    lost = now - dt.timedelta(seconds=90)
    due = Booking.objects.filter(
        # a series' occurrence waits for its turn (``submit_after``) before it counts as lost
        Q(status=Status.PENDING, updated_at__lt=lost)
        & (Q(submit_after__isnull=True) | Q(submit_after__lt=lost))
        | Q(status=Status.SUBMITTING, updated_at__lt=now - submission.STALE_SUBMISSION)
    ).values_list("pk", flat=True)[:200]
    count = 0
    for pk in due:
        submission.enqueue_submit(pk, on_commit=False)  # the rows are committed already
        count += 1
    return count
