"""Thin, idempotent Celery tasks: take an id, call a service."""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from bookings import services
from bookings.models import Booking, Status

logger = logging.getLogger(__name__)


@shared_task(bind=True, name="bookings.submit_booking", acks_late=True, max_retries=None)
def submit_booking(self, booking_id: int) -> str:
    try:
        return services.submit(booking_id)
    except services.Retry as retry:
        raise self.retry(countdown=retry.countdown) from None


@shared_task(name="bookings.reconcile_awaiting")
def reconcile_awaiting() -> int:
    """Beat: ask providers about bookings waiting for approval or registration."""
    changed = 0
    waiting = Booking.objects.filter(
        status__in=[Status.AWAITING_APPROVAL, Status.AWAITING_REGISTRATION]
    ).exclude(provider_reference="")
    for booking in waiting.select_related("space__account", "resource", "offer")[:200]:
        try:
            changed += bool(services.refresh_from_provider(booking))
        except Exception:  # one provider's fault must not stop the others
            logger.exception("reconcile of booking %s failed", booking.pk)
    return changed


@shared_task(name="bookings.recheck_upcoming")
def recheck_upcoming() -> dict[str, int]:
    """Beat: read upcoming bookings back from their providers (cancelled or moved there)."""
    return services.recheck_upcoming()


@shared_task(name="bookings.sweep")
def sweep() -> int:
    """Beat: re-send bookings whose task was lost (broker down, worker killed)."""
    return services.sweep()


# What may pass by itself: a mail server that does not answer or drops the connection
# (smtplib's errors are OSErrors), a database that is busy or reconnecting. Anything else
# is a fault in the email, which a retry would only repeat.
EMAIL_TRANSIENT_ERRORS = (OSError, OperationalError, InterfaceError)


@shared_task(
    name="bookings.send_email",
    acks_late=True,
    # try again later, waiting 30 s, 1 min, 2 min ... at most an hour between tries, for
    # about four hours in all; a re-delivery sends nothing twice (deliver claims the event
    # before sending and frees it when the sending fails)
    autoretry_for=EMAIL_TRANSIENT_ERRORS,
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=10,
)
def send_email(kind: str, booking_id: int, reason: str = "", event_id: int | None = None) -> None:
    from bookings import emails

    emails.deliver(kind, booking_id, reason, event_id)


@shared_task(name="bookings.scan_reminders")
def scan_reminders() -> int:
    """Beat, every minute: queue the reminder emails that are due (``bookings.reminders``)."""
    from bookings import reminders

    return reminders.scan()


@shared_task(
    name="bookings.send_reminder",
    acks_late=True,
    # the claim is freed when sending fails, so a retry sends it (while it is still due)
    autoretry_for=EMAIL_TRANSIENT_ERRORS,
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=5,
)
def send_reminder(booking_id: int, minutes: int) -> str:
    from bookings import reminders

    return reminders.deliver(booking_id, minutes)


@shared_task(name="bookings.refresh_index")
def refresh_index() -> int:
    """Beat: refresh the availability index, one task per enabled provider account (each
    single flight and within its provider's rate limit: ``bookings.index``)."""
    from providers import jobs
    from providers.models import ProviderAccount

    accounts = list(ProviderAccount.objects.filter(enabled=True).values_list("pk", flat=True))
    for account_id in accounts:
        jobs.enqueue(refresh_index_account, account_id, on_commit=False)
    return len(accounts)


@shared_task(name="bookings.refresh_index_account", acks_late=True, ignore_result=True)
def refresh_index_account(account_id: int) -> int:
    from bookings import index

    return index.refresh_account(account_id)


@shared_task(name="bookings.index_item", acks_late=True, ignore_result=True)
def index_item(kind: str, item_id: int, days: list[str], newer_than: str | None = None) -> int:
    """Index one room's or pass's days again (after a booking, or what a page computed)."""
    from bookings import index

    return index.index_item(
        kind,
        item_id,
        [dt.date.fromisoformat(day) for day in days],
        newer_than=dt.datetime.fromisoformat(newer_than) if newer_than else None,
    )


@shared_task(
    name="bookings.match_waitlist",
    acks_late=True,
    ignore_result=True,
    # an email that could not go gives its entry back; the retry claims and sends again
    autoretry_for=EMAIL_TRANSIENT_ERRORS,
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=10,
)
def match_waitlist(kind: str, item_id: int, days: list[str]) -> int:
    """After an index refresh: tell waiting members about an item's free windows."""
    from bookings import waitlist

    return waitlist.match_and_notify(kind, item_id, [dt.date.fromisoformat(d) for d in days])


@shared_task(name="bookings.expire_waitlist", ignore_result=True)
def expire_waitlist() -> int:
    """Beat: waitlist entries whose window has started expire."""
    from bookings import waitlist

    return waitlist.expire()
