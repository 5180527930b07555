"""Catalogue sync: the adapter reads the provider; this service decides what changes.

``sync_account`` asks the account's adapter for its whole catalogue and upserts it in one
transaction. Unchanged items are left alone (a fingerprint of their synced fields), so a
second run with no provider change changes nothing; items the provider no longer lists
are deactivated, never deleted (bookings point at them). A provider that is down,
refuses our credentials or answers nonsense leaves the last good catalogue in place and
marks the account degraded; one malformed item is skipped and recorded while the rest
syncs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from providers import jobs, photos, places, selectors
from providers.adapters import adapter_for
from providers.adapters.errors import (
    AuthenticationError,
    ProviderConfigurationError,
    ProviderError,
)
from providers.adapters.types import Catalogue, OfferData, ResourceData, SpaceData
from providers.amenities import canonical_amenity
from providers.models import (
    Amenity,
    Health,
    Offer,
    ProviderAccount,
    Resource,
    Space,
    SyncRun,
)

logger = logging.getLogger(__name__)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.time | dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def fingerprint(fields: dict[str, Any]) -> str:
    blob = json.dumps(_jsonable(fields), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


@dataclasses.dataclass
class Counts:
    created: int = 0
    updated: int = 0
    deactivated: int = 0
    unchanged: int = 0


def _space_fields(data: SpaceData) -> dict[str, Any]:
    return {
        "name": data.name[:200],
        "description": data.description,
        "address": data.address[:300],
        "city": data.city[:120],
        "country": data.country[:120],
        "country_code": data.country_code.upper()[:2],
        "latitude": data.latitude,
        "longitude": data.longitude,
        "timezone": data.timezone,
        "opening_hours": _jsonable([dataclasses.asdict(h) for h in data.opening_hours]),
        "photos": data.photos,
        "contact": data.contact,
        "legal": data.legal,
        "raw": _jsonable(data.raw),
        # What search matches (part of the fingerprint: a new alias rewrites it).
        "search_text": places.search_text(
            data.name,
            data.city,
            data.country,
            data.address,
            country_code=data.country_code,
            timezone=data.timezone,
        ),
    }


def _resource_fields(data: ResourceData) -> dict[str, Any]:
    fields = dataclasses.asdict(data)
    fields.pop("external_id")
    fields["name"] = fields["name"][:200]
    fields["raw"] = _jsonable(fields["raw"])
    fields["rules"] = _jsonable(fields["rules"])
    return fields


def _offer_fields(data: OfferData) -> dict[str, Any]:
    fields = dataclasses.asdict(data)
    fields.pop("external_id")
    fields["name"] = fields["name"][:200]
    fields["raw"] = _jsonable(fields["raw"])
    return fields


def _upsert(model, existing: dict, external_id: str, fields: dict, parent: dict, counts: Counts):
    """Create or update one row; returns it. ``existing`` maps external id -> row."""
    digest = fingerprint({**fields, "amenities": fields.get("_amenities")})
    fields = {k: v for k, v in fields.items() if not k.startswith("_")}
    row = existing.get(external_id)
    now = timezone.now()
    if row is None:
        row = model.objects.create(
            external_id=external_id, fingerprint=digest, synced_at=now, **parent, **fields
        )
        counts.created += 1
        return row, True
    if row.fingerprint == digest and row.active:
        counts.unchanged += 1
        return row, False
    for name, value in fields.items():
        setattr(row, name, value)
    row.fingerprint = digest
    row.active = True
    row.synced_at = now
    row.save()
    counts.updated += 1
    return row, True


def _deactivate(queryset, keep_ids: set[str], counts: Counts) -> None:
    gone = queryset.filter(active=True).exclude(external_id__in=keep_ids)
    counts.deactivated += gone.update(active=False, synced_at=timezone.now())


def _amenities(names: list[str]) -> list[Amenity]:
    result: dict[str, Amenity] = {}
    for name in names:
        if not name or not name.strip():
            continue
        slug, display = canonical_amenity(name)
        if slug not in result:
            result[slug], _ = Amenity.objects.get_or_create(slug=slug, defaults={"name": display})
    return list(result.values())


def catalogue_size(catalogue: Catalogue) -> int:
    """How many items (spaces, rooms, passes) a sync saves: its progress's total."""
    return sum(1 + len(s.resources) + len(s.offers) for s in catalogue.spaces)


def _progress_key(run_id: int) -> str:
    return f"providers:sync-progress:{run_id}"


def record_progress(run_id: int, done: int, total: int) -> None:
    """A running sync's count, readable by the pages while its transaction is open."""
    cache.set(_progress_key(run_id), (done, total), timeout=3600)


def sync_progress(run: SyncRun) -> tuple[int, int | None]:
    """Items done and the total (None: not known yet) of a run, live while it runs."""
    if run.status == SyncRun.Status.RUNNING:
        live = cache.get(_progress_key(run.pk))
        if live:
            return live[0], live[1]
    return run.items_done, run.items_total


@transaction.atomic
def apply_catalogue(
    account: ProviderAccount,
    catalogue: Catalogue,
    on_progress: Callable[[int], None] | None = None,
) -> Counts:
    """Upsert a whole catalogue for one account (the only writer of catalogue rows).

    ``on_progress`` is told how many items are saved after each space."""
    counts = Counts()
    done = 0
    spaces = {s.external_id: s for s in account.spaces.select_for_update()}
    seen_spaces: set[str] = set()
    for data in catalogue.spaces:
        seen_spaces.add(data.external_id)
        fields = _space_fields(data)
        amenity_rows = _amenities(data.amenities)
        fields["_amenities"] = sorted(a.slug for a in amenity_rows)
        space, changed = _upsert(
            Space, spaces, data.external_id, fields, {"account": account}, counts
        )
        if changed:
            space.amenities.set(amenity_rows)

        resources = {r.external_id: r for r in space.resources.all()}
        for item in data.resources:
            _upsert(
                Resource,
                resources,
                item.external_id,
                _resource_fields(item),
                {"space": space},
                counts,
            )
        _deactivate(space.resources.all(), {r.external_id for r in data.resources}, counts)

        offers = {o.external_id: o for o in space.offers.all()}
        for offer in data.offers:
            _upsert(
                Offer, offers, offer.external_id, _offer_fields(offer), {"space": space}, counts
            )
        _deactivate(space.offers.all(), {o.external_id for o in data.offers}, counts)
        done += 1 + len(data.resources) + len(data.offers)
        if on_progress is not None:
            on_progress(done)

    gone_spaces = account.spaces.filter(active=True).exclude(external_id__in=seen_spaces)
    for space in gone_spaces:
        # a vanished space takes its rooms and passes with it
        counts.deactivated += space.resources.filter(active=True).update(active=False)
        counts.deactivated += space.offers.filter(active=True).update(active=False)
    counts.deactivated += gone_spaces.update(active=False, synced_at=timezone.now())
    selectors.catalogue_changed()  # cached pages and fragments are keyed by its version
    return counts


def failure(exc: BaseException, when: dt.datetime) -> str:
    """A failed call for staff pages and the logs, in our own words only: the error class,
    the HTTP status and the time. Never the provider's answer (its message, a value it
    sent): a server that is not the provider could echo what it was sent, secrets
    included. A configuration error is ours (which setting is missing or not allowed)."""
    if isinstance(exc, ProviderConfigurationError):
        what = f"{type(exc).__name__}: {exc}"
    else:
        status = getattr(exc, "status", None)
        cause = exc.__cause__
        what = type(exc).__name__
        if status:
            what += f" (HTTP {status})"
        elif cause is not None:  # a timeout, a refused connection, a body that is no JSON
            what += f" ({type(cause).__name__})"
    return f"{what} at {when:%Y-%m-%d %H:%M:%S} UTC"[:500]


def start_sync(account: ProviderAccount, trigger: str) -> SyncRun:
    """Record a queued run and enqueue the task once the transaction commits."""
    from providers.tasks import sync_provider

    run = SyncRun.objects.create(account=account, trigger=trigger, progress="queued")
    jobs.enqueue(sync_provider, account.pk, run.pk)  # broker down: the beat restarts it
    return run


def sync_account(
    account: ProviderAccount, run: SyncRun | None = None, trigger: str = ""
) -> SyncRun:
    """Fetch and apply one account's catalogue; always returns the finished run."""
    if run is None:
        run = SyncRun.objects.create(account=account, trigger=trigger or "direct")
    run.status = SyncRun.Status.RUNNING
    run.started_at = timezone.now()
    run.progress = "fetching the catalogue from the provider"
    run.save(update_fields=["status", "started_at", "progress"])

    now = timezone.now()
    try:
        with adapter_for(account) as adapter:
            catalogue = adapter.fetch_catalogue()
        total = catalogue_size(catalogue)
        run.progress = f"saving {len(catalogue.spaces)} spaces"
        run.items_total, run.items_done = total, 0
        run.save(update_fields=["progress", "items_total", "items_done"])
        record_progress(run.pk, 0, total)
        counts = apply_catalogue(
            account, catalogue, lambda done: record_progress(run.pk, done, total)
        )
        run.items_done = total
    except (ProviderError, ProviderConfigurationError) as exc:
        detail = failure(exc, timezone.now())
        logger.warning("sync of %s failed: %s", account.name, detail)
        run.status = SyncRun.Status.FAILED
        run.errors = [detail]
        run.progress = "failed; the previous catalogue is kept"
        account.health = (
            Health.AUTH_FAILED if isinstance(exc, AuthenticationError) else Health.DEGRADED
        )
        account.health_detail = detail
    else:
        run.created, run.updated = counts.created, counts.updated
        run.deactivated, run.unchanged = counts.deactivated, counts.unchanged
        run.errors = [f"skipped {s.where}: {s.reason}"[:500] for s in catalogue.skipped]
        run.status = SyncRun.Status.PARTIAL if run.errors else SyncRun.Status.SUCCESS
        run.progress = "done"
        account.health = Health.OK
        account.health_detail = (
            f"{len(run.errors)} item(s) skipped in the last sync" if run.errors else ""
        )
        account.last_success_at = now
        # the photos the catalogue lists, downloaded by workers (after this commits)
        photos.queue_account_photos(account)
    run.finished_at = timezone.now()
    run.save()
    account.last_sync_at = now
    account.save(update_fields=["health", "health_detail", "last_sync_at", "last_success_at"])
    return run
