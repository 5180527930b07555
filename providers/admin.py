"""The staff panel for providers: accounts (secrets write-only), sync runs, catalogue."""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from providers import registry, services
from providers.adapters import destinations
from providers.models import (
    Amenity,
    Offer,
    ProviderAccount,
    Resource,
    Space,
    SyncRun,
)


def _secret_kinds() -> dict[str, list[str]]:
    """Each secret's name and the providers that declare it."""
    kinds: dict[str, list[str]] = {}
    for spec in registry.specs():
        for name in spec.secret_names:
            kinds.setdefault(name, []).append(spec.label)
    return dict(sorted(kinds.items()))


def _destination_error(kind: str, name: str, url: object) -> str:
    """Why staff cannot save this URL, and which URLs the deployment allows instead."""
    allowed = list(destinations.allowed_prefixes(kind))
    if destinations.sandbox_allowed():
        allowed.append(
            gettext("%(url)s (the sandbox, in development)") % {"url": "http://127.0.0.1:<port>"}
        )
    values = {
        "field": name,
        "url": destinations.shown(url) if isinstance(url, str) else repr(url),
        "provider": registry.label(kind),
        "allowed": ", ".join(allowed),
        "variable": destinations.environment_variable(kind),
    }
    if not allowed:
        return (
            gettext(
                "%(field)s: this deployment allows no %(provider)s API URL yet. Its "
                "administrators list them in the environment variable %(variable)s."
            )
            % values
        )
    return (
        gettext(
            "%(field)s: %(url)s is not an allowed %(provider)s API URL. It must start with one "
            "of: %(allowed)s (set by the deployment in %(variable)s, not here)."
        )
        % values
    )


class ProviderAccountForm(forms.ModelForm):
    """Secrets are typed in, never shown: a blank field keeps the stored value."""

    class Meta:
        model = ProviderAccount
        fields = ("kind", "name", "enabled", "sync_interval", "config")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"] = forms.ChoiceField(
            label=_("provider"), choices=registry.choices(), initial=self.initial.get("kind")
        )
        stored = self.instance.credentials if self.instance.pk else {}
        for name, labels in _secret_kinds().items():
            kinds = ", ".join(labels)
            state = _("stored — leave blank to keep") if stored.get(name) else _("not set")
            self.fields[f"secret_{name}"] = forms.CharField(
                label=name.replace("_", " "),
                required=False,
                widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
                help_text=f"{state} ({kinds})",
            )

    def clean_config(self):
        config = self.cleaned_data["config"]
        if not isinstance(config, dict):
            raise forms.ValidationError(_("Enter a JSON object of URLs and ids."))
        return config

    def clean(self):
        cleaned = super().clean() or {}
        kind, config = cleaned.get("kind"), cleaned.get("config")
        if kind in registry.kinds() and isinstance(config, dict):
            for name in registry.spec(kind).api_url_names:
                url = config.get(name)
                if url and not (isinstance(url, str) and destinations.is_allowed(kind, url)):
                    self.add_error("config", _destination_error(kind, name, url))
        return cleaned

    def save(self, commit=True):
        account = super().save(commit=False)
        credentials = dict(account.credentials or {})
        for name in registry.spec(account.kind).secret_names:
            value = self.cleaned_data.get(f"secret_{name}")
            if value:
                credentials[name] = value.strip()
        account.credentials = credentials
        if commit:
            account.save()
        return account


class SyncRunInline(admin.TabularInline):
    model = SyncRun
    extra = 0
    max_num = 0
    can_delete = False
    fields = ("created_at", "trigger", "status", "progress", "created", "updated", "deactivated")
    readonly_fields = fields
    ordering = ("-created_at",)

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("-created_at")


@admin.register(ProviderAccount)
class ProviderAccountAdmin(admin.ModelAdmin):
    form = ProviderAccountForm
    list_display = ("name", "label", "enabled", "health_badge", "last_sync_at", "space_count")
    list_filter = ("kind", "enabled", "health")
    search_fields = ("name",)
    readonly_fields = ("health", "health_detail", "last_sync_at", "last_success_at", "sync_button")
    actions = ["sync_now"]
    inlines = [SyncRunInline]

    def get_fieldsets(self, request, obj=None):
        form = self.get_form(request, obj)
        secrets = [f for f in form.base_fields if f.startswith("secret_")]
        return [
            (None, {"fields": ["kind", "name", "enabled", "sync_interval", "config"]}),
            (_("Credentials (write-only)"), {"fields": secrets}),
            (
                _("Health"),
                {
                    "fields": [
                        "health",
                        "health_detail",
                        "last_sync_at",
                        "last_success_at",
                        "sync_button",
                    ]
                },
            ),
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["fields"] = None
        form = super().get_form(request, obj, change=change, **kwargs)
        probe = form(instance=obj) if obj else form()
        form.base_fields.update({k: v for k, v in probe.fields.items() if k.startswith("secret_")})
        return form

    @admin.display(description=_("health"), ordering="health")
    def health_badge(self, account):
        # a class, not a style attribute: the Content-Security-Policy forbids inline styles
        # (the colours are in static/css/admin.css)
        return format_html(
            '<strong class="health health-{}" title="{}">{}</strong>',
            account.health,
            account.health_detail,
            account.get_health_display(),
        )

    @admin.display(description=_("spaces"))
    def space_count(self, account):
        return account.spaces.filter(active=True).count()

    @admin.display(description=_("sync"))
    def sync_button(self, account):
        if not account.pk:
            return "—"
        url = reverse("admin:providers_provideraccount_sync", args=[account.pk])
        latest = account.sync_runs.first()
        progress = (
            f" — last run: {latest.get_status_display()} ({latest.progress})" if latest else ""
        )
        # A sync changes state, so it is a POST with the CSRF token: this button sits in
        # the change form (a form cannot nest) and posts that form, token included, to the
        # sync view instead of saving; the typed fields are ignored there.
        return format_html(
            '<button type="submit" class="button" formaction="{}" formmethod="post" '
            'formnovalidate name="_sync">{}</button>{}',
            url,
            gettext("Sync now"),
            progress,
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/sync/",
                self.admin_site.admin_view(self.sync_view),
                name="providers_provideraccount_sync",
            ),
            *super().get_urls(),
        ]

    @method_decorator(require_POST)  # a GET (a link, a prefetch) must not start a sync
    def sync_view(self, request, pk):
        account = get_object_or_404(ProviderAccount, pk=pk)
        if not self.has_change_permission(request, account):
            return HttpResponseRedirect(reverse("admin:index"))
        with transaction.atomic():
            run = services.start_sync(account, trigger="admin")
        url = reverse("admin:providers_syncrun_change", args=[run.pk])
        self.message_user(
            request,
            format_html('Sync of {} queued: <a href="{}">follow its progress</a>.', account, url),
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:providers_provideraccount_change", args=[pk]))

    @admin.action(description=_("Sync now"))
    def sync_now(self, request, queryset):
        with transaction.atomic():
            for account in queryset.filter(enabled=True):
                services.start_sync(account, trigger="admin")
        self.message_user(request, _("Sync queued; the runs below show their progress."))


@admin.register(SyncRun)
class SyncRunAdmin(admin.ModelAdmin):
    list_display = (
        "account",
        "created_at",
        "trigger",
        "status",
        "progress",
        "created",
        "updated",
        "deactivated",
        "unchanged",
        "duration",
    )
    list_filter = ("status", "account", "trigger")
    readonly_fields = [f.name for f in SyncRun._meta.fields] + ["errors_pretty"]
    exclude = ("errors",)
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("duration"))
    def duration(self, run):
        seconds = run.duration_seconds
        if seconds is None and run.started_at:
            seconds = (timezone.now() - run.started_at).total_seconds()
        return f"{seconds:.1f}s" if seconds is not None else "—"

    @admin.display(description=_("errors"))
    def errors_pretty(self, run):
        return format_html("<pre>{}</pre>", json.dumps(run.errors, indent=2, ensure_ascii=False))


class ResourceInline(admin.TabularInline):
    model = Resource
    extra = 0
    fields = ("name", "kind", "capacity", "price_hour", "currency", "external_id", "active")
    readonly_fields = fields
    can_delete = False


class OfferInline(admin.TabularInline):
    model = Offer
    extra = 0
    fields = ("name", "kind", "price", "currency", "price_unit", "external_id", "active")
    readonly_fields = fields
    can_delete = False


@admin.register(Space)
class SpaceAdmin(admin.ModelAdmin):
    list_display = ("name", "city", "country_code", "account", "active", "hidden", "featured")
    list_filter = ("account__kind", "active", "hidden", "featured", "country_code", "city")
    search_fields = ("name", "city", "description", "external_id")
    list_editable = ("hidden", "featured")
    filter_horizontal = ("amenities",)
    inlines = [ResourceInline, OfferInline]
    readonly_fields = (
        "account",
        "external_id",
        "name",
        "description",
        "address",
        "city",
        "country",
        "country_code",
        "latitude",
        "longitude",
        "timezone",
        "opening_hours",
        "photos",
        "contact",
        "legal",
        "active",
        "synced_at",
    )
    fieldsets = (
        (
            _("Curation (staff only, kept across syncs)"),
            {"fields": ("hidden", "featured", "local_notes")},
        ),
        (_("From the provider"), {"fields": readonly_fields}),
    )

    def has_add_permission(self, request):
        return False  # spaces come from providers


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "space", "capacity", "price_hour", "currency", "active")
    list_filter = ("kind", "active", "space__account__kind")
    search_fields = ("name", "space__name", "external_id")
    readonly_fields = [f.name for f in Resource._meta.fields if f.name != "id"]

    def has_add_permission(self, request):
        return False


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "space", "price", "currency", "price_unit", "active")
    list_filter = ("kind", "active", "space__account__kind")
    search_fields = ("name", "space__name", "external_id")
    readonly_fields = [f.name for f in Offer._meta.fields if f.name != "id"]

    def has_add_permission(self, request):
        return False


@admin.register(Amenity)
class AmenityAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug")
