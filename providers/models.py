"""Provider accounts and the normalized catalogue (spaces, resources, offers)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from providers import registry
from providers.crypto import EncryptedJSONField
from providers.spec import ProviderSpec


class Health(models.TextChoices):
    UNKNOWN = "unknown", _("not synced yet")
    OK = "ok", _("healthy")
    DEGRADED = "degraded", _("degraded")
    AUTH_FAILED = "auth_failed", _("credentials refused")


class ProviderAccount(models.Model):
    """One set of credentials at one provider (a Thia key is one space)."""

    # A key of ``providers.registry.VENDORS`` (the forms offer those; no fixed choices
    # here, so a new provider needs no migration).
    kind = models.CharField(max_length=16)
    name = models.CharField(max_length=120, unique=True)
    enabled = models.BooleanField(default=True)
    # Base URLs and non-secret identifiers, by kind: thia {"base_url"}, workways
    # {"base_url", "known_member_email"?}, zentry {"workspaces_url", "checkins_url",
    # "tenant_id", "user_id"}, fourspaces {"base_url", "organization_id"}.
    config = models.JSONField(default=dict, blank=True)
    # Secrets, encrypted at rest and never displayed: thia {"api_key", "api_secret"},
    # workways {"token"}, zentry {"api_key"}, fourspaces {"api_key"?}.
    credentials = EncryptedJSONField(blank=True, default=dict)
    sync_interval = models.PositiveIntegerField(
        _("sync interval (minutes)"), default=60, help_text=_("How often beat syncs it.")
    )
    health = models.CharField(max_length=16, choices=Health.choices, default=Health.UNKNOWN)
    health_detail = models.CharField(max_length=500, blank=True)
    last_sync_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("kind", "name")

    def __str__(self) -> str:
        return f"{self.name} ({self.label})"

    @property
    def spec(self) -> ProviderSpec:
        """What this account's provider declares (configuration, capabilities...)."""
        return registry.spec(self.kind)

    @property
    def label(self) -> str:
        return registry.label(self.kind)

    def sync_due(self, now=None) -> bool:
        now = now or timezone.now()
        if not self.enabled:
            return False
        if self.last_sync_at is None:
            return True
        interval = self.sync_interval * 60
        if self.health == Health.DEGRADED:
            interval = min(interval, 300)  # a provider that failed is tried again sooner
        return (now - self.last_sync_at).total_seconds() >= interval


class Amenity(models.Model):
    """One vocabulary for every provider's amenities ("WiFi", "Wi-Fi" -> "Wi-Fi")."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=80)

    class Meta:
        ordering = ("name",)
        verbose_name_plural = "amenities"

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """The name in the reader's language (the vocabulary's names are translated)."""
        from providers.amenities import label

        return label(self.name)


class CatalogueItem(models.Model):
    """What spaces, resources and offers share: identity at the provider and sync state."""

    external_id = models.CharField(max_length=120)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    active = models.BooleanField(default=True, help_text=_("False once the provider drops it."))
    fingerprint = models.CharField(max_length=64, editable=False)  # hash of the synced fields
    raw = models.JSONField(default=dict, blank=True, editable=False)  # provider data adapters need
    synced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name


class Space(CatalogueItem):
    account = models.ForeignKey(ProviderAccount, on_delete=models.PROTECT, related_name="spaces")
    address = models.CharField(max_length=300, blank=True)
    city = models.CharField(max_length=120, blank=True, db_index=True)
    country = models.CharField(max_length=120, blank=True)
    country_code = models.CharField(max_length=2, blank=True, db_index=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    timezone = models.CharField(max_length=64, default="UTC")
    opening_hours = models.JSONField(
        default=list, blank=True
    )  # [{"weekday": 0-6, "opens", "closes"}]
    photos = models.JSONField(default=list, blank=True)  # [url, ...]
    amenities = models.ManyToManyField(Amenity, blank=True, related_name="spaces")
    contact = models.JSONField(default=dict, blank=True)  # {"phone", "email", "website"}
    legal = models.JSONField(default=list, blank=True)  # [{"title", "text" | "url"}]
    # What text search matches: name, city, country and address, lower-cased, accents
    # removed, with the other names of the city and country (Wien/Vienna,
    # Bucureşti/Bucharest); written by the catalogue sync (``providers.places``).
    search_text = models.TextField(blank=True, editable=False)
    # Staff-only curation, never touched by sync.
    hidden = models.BooleanField(default=False, help_text=_("Hide from members."))
    featured = models.BooleanField(default=False)
    local_notes = models.TextField(blank=True)

    class Meta:
        ordering = ("city", "name")
        constraints = [
            models.UniqueConstraint(fields=["account", "external_id"], name="space_unique_external")
        ]

    @property
    def provider(self) -> str:
        return self.account.kind

    @property
    def country_name(self) -> str:
        """The country in the reader's language (CLDR), else as the provider wrote it
        (also when the provider's name and ISO code disagree: its words are kept)."""
        from providers import places

        code, written = self.country_code, self.country
        if code and (not written or places.normalize(written) in places.country_names(code)):
            return places.country_name(code, translation.get_language() or "en", written)
        return written

    @property
    def full_address(self) -> str:
        """The address, then the city and the country only when the address does not
        already name them ("1020 Wien" needs no second "Wien"); a space with no street
        address is its city and country."""
        parts = [self.address.strip()] if self.address.strip() else []
        for extra in (self.city, self.country_name):
            said = ", ".join(parts).casefold()
            if extra.strip() and extra.strip().casefold() not in said:
                parts.append(extra.strip())
        return ", ".join(parts)


class ResourceKind(models.TextChoices):
    MEETING_ROOM = "meeting_room", _("Meeting room")
    DESK = "desk", _("Desk")
    OFFICE = "office", _("Office")


class OfferKind(models.TextChoices):
    DAY_PASS = "day_pass", _("Day pass")
    HOT_DESK = "hot_desk", _("Hot desk")
    DEDICATED_DESK = "dedicated_desk", _("Dedicated desk")
    PRIVATE_OFFICE = "private_office", _("Private office")
    MEMBERSHIP = "membership", _("Membership")
    SERVICE = "service", _("Service")


class Resource(CatalogueItem):
    """Something booked by time: a meeting room, a desk, an office."""

    space = models.ForeignKey(Space, on_delete=models.PROTECT, related_name="resources")
    kind = models.CharField(max_length=20, choices=ResourceKind.choices)
    capacity = models.PositiveIntegerField(null=True, blank=True)
    quantity = models.PositiveIntegerField(default=1, help_text=_("Parallel bookings allowed."))
    features = models.JSONField(default=list, blank=True)
    photos = models.JSONField(default=list, blank=True)
    # Booking rules: {"slot_minutes", "min_minutes", "max_minutes", "step_minutes",
    # "lead_time_minutes", "windows": {...}} — whatever the provider defines.
    rules = models.JSONField(default=dict, blank=True)
    price_hour = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    price_half_day = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    price_day = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    price_month = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)

    class Meta:
        ordering = ("space", "kind", "name")
        constraints = [
            models.UniqueConstraint(
                fields=["space", "external_id"], name="resource_unique_external"
            )
        ]


class Offer(CatalogueItem):
    """Something booked by the day or longer: passes, memberships, daily services."""

    space = models.ForeignKey(Space, on_delete=models.PROTECT, related_name="offers")
    kind = models.CharField(max_length=20, choices=OfferKind.choices)
    price = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    price_unit = models.CharField(max_length=20, blank=True)  # "day", "month", "booking", ...
    validity_days = models.PositiveIntegerField(null=True, blank=True)
    weekdays = models.JSONField(default=list, blank=True)  # [0..6], empty = every day
    min_persons = models.PositiveIntegerField(default=1)
    max_persons = models.PositiveIntegerField(null=True, blank=True)
    capacity = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ("space", "kind", "name")
        constraints = [
            models.UniqueConstraint(fields=["space", "external_id"], name="offer_unique_external")
        ]


class SyncRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        SUCCESS = "success", _("success")
        PARTIAL = "partial", _("partial: some items skipped")
        FAILED = "failed", _("failed: catalogue kept")

    account = models.ForeignKey(ProviderAccount, on_delete=models.CASCADE, related_name="sync_runs")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    trigger = models.CharField(max_length=20, default="beat")  # beat, admin, startup, test
    progress = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    deactivated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    # Catalogue items (spaces, rooms, passes) saved so far, of how many the provider
    # listed. While a run saves, its count lives in the cache (``services.sync_progress``):
    # the save is one transaction, whose row writes no one else sees before it ends.
    items_done = models.PositiveIntegerField(_("items done"), default=0)
    items_total = models.PositiveIntegerField(_("items in total"), null=True, blank=True)
    errors = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ("-created_at",)
        get_latest_by = "created_at"

    def __str__(self) -> str:
        return f"{self.account} {self.created_at:%Y-%m-%d %H:%M} {self.status}"

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class Photo(models.Model):
    """A provider's photo, downloaded once by a worker and stored in the media storage in
    the sizes pages show (``providers.photos``): pages never load a provider's URL.

    Keyed by the URL (its hash): a photo is fetched again only when the provider lists a
    new URL; the same URL in two places is one download."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for a worker")
        STORED = "stored", _("stored")
        FAILED = "failed", _("failed")

    url_hash = models.CharField(max_length=64, unique=True, editable=False)  # sha256 hex
    source_url = models.TextField(editable=False)
    kind = models.CharField(max_length=16)  # the provider whose catalogue listed it first
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    card = models.FileField(upload_to="photos/", max_length=200, blank=True)  # 400x300
    page = models.FileField(upload_to="photos/", max_length=200, blank=True)  # <= 1200 px
    width = models.PositiveIntegerField(null=True, blank=True)  # of ``page``
    height = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # a worker took it at this time (a second delivery of its task does nothing); a
    # transient failure is tried again from ``retry_at`` (None: never, or not failed)
    claimed_at = models.DateTimeField(null=True, blank=True)
    retry_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    stored_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.source_url[:80]} ({self.status})"
