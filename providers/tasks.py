"""Thin Celery tasks: take ids, load rows, call a service."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from providers import availability, photos, services
from providers.models import Offer, ProviderAccount, Resource, SyncRun


@shared_task(name="providers.sync_provider", acks_late=True)
def sync_provider(account_id: int, run_id: int | None = None) -> str:
    account = ProviderAccount.objects.filter(pk=account_id, enabled=True).first()
    if account is None:
        return "account missing or disabled"
    run = None
    if run_id is not None:
        # claim the queued run: a second delivery of the same message does nothing
        claimed = SyncRun.objects.filter(pk=run_id, status=SyncRun.Status.QUEUED).update(
            status=SyncRun.Status.RUNNING
        )
        if not claimed:
            return "run already handled"
        run = SyncRun.objects.get(pk=run_id)
    run = services.sync_account(account, run=run, trigger="task")
    return run.status


# A run still queued after this long lost its message (the broker was down when it was
# sent, see ``providers.jobs``): it is closed and the account is due again.
LOST_QUEUED_RUN = dt.timedelta(minutes=15)


@shared_task(name="providers.sync_due_accounts")
def sync_due_accounts() -> int:
    """Beat calls this every minute; it starts the accounts whose interval has passed."""
    SyncRun.objects.filter(
        status=SyncRun.Status.QUEUED, created_at__lt=timezone.now() - LOST_QUEUED_RUN
    ).update(
        status=SyncRun.Status.FAILED,
        progress="never started: its task was lost; the next sync replaces it",
        finished_at=timezone.now(),
    )
    started = 0
    for account in ProviderAccount.objects.filter(enabled=True):
        busy = account.sync_runs.filter(
            status__in=[SyncRun.Status.QUEUED, SyncRun.Status.RUNNING]
        ).exists()
        if account.sync_due() and not busy:
            with transaction.atomic():
                services.start_sync(account, trigger="beat")
            started += 1
    return started


@shared_task(name="providers.refresh_availability", ignore_result=True)
def refresh_availability(kind: str, item_id: int, start: str, end: str | None = None) -> None:
    """Refresh one cached availability answer that went stale (the caller holds its lock)."""
    first = dt.date.fromisoformat(start)
    if kind == "resource":
        resource = Resource.objects.select_related("space__account").filter(pk=item_id).first()
        key = availability.resource_key(item_id, first)
        if resource is None:
            availability.cache.delete(f"{key}:lock")
            return
        availability.refresh_now(key, lambda: availability.fetch_resource_day(resource, first))
    else:
        last = dt.date.fromisoformat(end or start)
        offer = Offer.objects.select_related("space__account").filter(pk=item_id).first()
        key = availability.offer_key(item_id, first, last)
        if offer is None:
            availability.cache.delete(f"{key}:lock")
            return
        availability.refresh_now(key, lambda: availability.fetch_pass_days(offer, first, last))


@shared_task(name="providers.store_photo", acks_late=True, ignore_result=True)
def store_photo(photo_id: int) -> str:
    """Download and store one provider photo (a second delivery does nothing)."""
    return photos.store_photo(photo_id)
