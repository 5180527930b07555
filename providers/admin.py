"""The staff panel for providers: accounts (secrets write-only), sync runs, catalogue."""

from __future__ import annotations

import json

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from providers import connection, registry, services
from providers import forms as account_forms
from providers.models import (
    Amenity,
    Offer,
    ProviderAccount,
    Resource,
    Space,
    SyncRun,
)


class SyncRunInline(admin.TabularInline):
    model = SyncRun
    extra = 0
    max_num = 0
    can_delete = False
    fields = ("created_at", "trigger", "status", "items", "created", "updated", "deactivated")
    readonly_fields = fields

    @admin.display(description=_("items"))
    def items(self, run):
        return _progress(run)

    ordering = ("-created_at",)

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("-created_at")


def _progress(run: SyncRun) -> str:
    """A run's items done of the total, in words ("12 of 40 items")."""
    done, total = services.sync_progress(run)
    if total is None:
        return gettext("%(done)d items so far") % {"done": done}
    return gettext("%(done)d of %(total)d items") % {"done": done, "total": total}


def _progress_meter(run: SyncRun) -> str:
    """The progress of one run; while it runs, ``static/js/admin-progress.js`` asks the
    run's progress URL again every few seconds (a file: the CSP forbids inline scripts)."""
    done, total = services.sync_progress(run)
    running = run.status in (SyncRun.Status.QUEUED, SyncRun.Status.RUNNING)
    return format_html(
        '<span class="sync-progress" data-progress-url="{}" data-running="{}" '
        'aria-live="polite"><progress max="{}" value="{}" aria-label="{}"></progress> '
        '<span class="sync-progress-text">{} — {}</span></span>',
        reverse("admin:providers_syncrun_progress", args=[run.pk]),
        "true" if running else "false",
        total or 1,
        done if total else 0,
        gettext("Sync progress"),
        run.get_status_display(),
        _progress(run),
    )


def _kind(request, obj) -> str | None:
    """The provider of the account on the page: its own, or the one chosen to add."""
    kind = obj.kind if obj is not None else request.GET.get("kind")
    return kind if kind in registry.kinds() else None


@admin.register(ProviderAccount)
class ProviderAccountAdmin(admin.ModelAdmin):
    form = account_forms.ProviderAccountForm
    list_display = ("name", "label", "enabled", "health_badge", "last_sync_at", "space_count")
    list_filter = ("kind", "enabled", "health")
    search_fields = ("name",)
    readonly_fields = (
        "provider",
        "health",
        "health_detail",
        "last_sync_at",
        "last_success_at",
        "sync_button",
        "sync_progress",
        "connection_button",
        "settings_summary",
    )
    actions = ["sync_now"]
    inlines = [SyncRunInline]

    class Media:
        js = ("js/admin-progress.js",)

    def get_fieldsets(self, request, obj=None):
        kind = _kind(request, obj)
        if obj is not None and not self.has_change_permission(request, obj):
            # viewers and operators read the account: its settings (never its secrets)
            # and health, without the typed form or the buttons that act
            return [
                (None, {"fields": ["provider", "name", "enabled", "sync_interval"]}),
                (_("Settings"), {"fields": ["settings_summary"]}),
                (
                    _("Health"),
                    {"fields": ["health", "health_detail", "last_sync_at", "last_success_at"]},
                ),
            ]
        if kind is None:
            return [(None, {"fields": ["provider", "name", "enabled", "sync_interval"]})]
        config, secrets = account_forms.field_names(registry.spec(kind))
        stored = obj.credentials if obj is not None else {}
        secrets = [f for f in secrets if not f.startswith("clear_") or stored.get(f[6:])]
        fieldsets = [
            (None, {"fields": ["provider", "name", "enabled", "sync_interval"]}),
            (_("Settings"), {"fields": config}),
            (_("Credentials (write-only)"), {"fields": secrets}),
        ]
        if obj is not None:
            health = ["health", "health_detail", "last_sync_at", "last_success_at"]
            actions = ["connection_button", "sync_button", "sync_progress"]
            fieldsets.append((_("Health"), {"fields": health + actions}))
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        kind = _kind(request, obj)
        if kind is not None:
            kwargs["form"] = account_forms.account_form(kind)
        # the typed form declares its fields; read-only (no change permission), the
        # fieldsets above are shown instead and the form needs none
        readonly = obj is not None and not self.has_change_permission(request, obj)
        kwargs["fields"] = [] if readonly else None
        return super().get_form(request, obj, change=change, **kwargs)

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        if _kind(request, None) is None:
            # first step: which provider (its settings and secrets follow from it)
            context = {
                **self.admin_site.each_context(request),
                "title": gettext("Add a provider account"),
                "opts": self.model._meta,
                "providers": [
                    (spec.label, f"{request.path}?kind={spec.kind}") for spec in registry.specs()
                ],
            }
            return TemplateResponse(
                request, "admin/providers/provideraccount/choose_kind.html", context
            )
        return super().add_view(request, form_url, extra_context)

    @admin.display(description=_("settings"))
    def settings_summary(self, account):
        # ``config`` holds base URLs and ids, never a secret (those are in credentials)
        if not account.config:
            return "—"
        return format_html_join(
            "\n", "<div><code>{}</code>: {}</div>", sorted(account.config.items())
        )

    @admin.display(description=_("provider"))
    def provider(self, account):
        return registry.label(account.kind) if account.kind else "—"

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
        # A sync changes state, so it is a POST with the CSRF token: this button sits in
        # the change form (a form cannot nest) and posts that form, token included, to the
        # sync view instead of saving; the typed fields are ignored there.
        return format_html(
            '<button type="submit" class="button" formaction="{}" formmethod="post" '
            'formnovalidate name="_sync">{}</button>',
            url,
            gettext("Sync now"),
        )

    @admin.display(description=_("last sync's progress"))
    def sync_progress(self, account):
        latest = account.sync_runs.first() if account.pk else None
        return _progress_meter(latest) if latest else gettext("No sync yet.")

    @admin.display(description=_("connection"))
    def connection_button(self, account):
        if not account.pk:
            return "—"
        # a POST, as "Sync now": it sends the stored credentials to the provider
        return format_html(
            '<button type="submit" class="button" formaction="{}" formmethod="post" '
            'formnovalidate name="_test_connection">{}</button> <span class="help">{}</span>',
            reverse("admin:providers_provideraccount_test_connection", args=[account.pk]),
            gettext("Test connection"),
            gettext("Asks the provider one read-only question with the stored settings."),
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/sync/",
                self.admin_site.admin_view(self.sync_view),
                name="providers_provideraccount_sync",
            ),
            path(
                "<int:pk>/test-connection/",
                self.admin_site.admin_view(self.test_connection_view),
                name="providers_provideraccount_test_connection",
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
            format_html(
                '{} <a href="{}">{}</a>',
                gettext("Sync of %(account)s queued:") % {"account": account},
                url,
                gettext("follow its progress"),
            ),
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:providers_provideraccount_change", args=[pk]))

    @method_decorator(require_POST)  # it sends the account's secrets: never on a GET
    def test_connection_view(self, request, pk):
        account = get_object_or_404(ProviderAccount, pk=pk)
        if not self.has_change_permission(request, account):
            return HttpResponseRedirect(reverse("admin:index"))
        if account.kind not in registry.kinds():
            self.message_user(
                request,
                gettext("No provider %(kind)s any more: nothing to test.") % {"kind": account.kind},
                messages.ERROR,
            )
            return HttpResponseRedirect(
                reverse("admin:providers_provideraccount_change", args=[pk])
            )
        report = connection.check_connection(account)
        self.log_change(request, account, gettext("Tested the connection: %s") % report.summary)
        level = messages.SUCCESS if report.ok else messages.ERROR
        self.message_user(request, report.summary, level)
        return HttpResponseRedirect(reverse("admin:providers_provideraccount_change", args=[pk]))

    @admin.action(description=_("Sync now"), permissions=["change"])
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
        "items",
        "created",
        "updated",
        "deactivated",
        "unchanged",
        "duration",
    )
    list_filter = ("status", "account", "trigger")
    readonly_fields = ["live_progress"] + [
        f.name for f in SyncRun._meta.fields if f.name not in ("items_done", "items_total")
    ]
    readonly_fields += ["errors_pretty"]
    exclude = ("errors", "items_done", "items_total")
    date_hierarchy = "created_at"

    class Media:
        js = ("js/admin-progress.js",)

    def get_urls(self):
        return [
            path(
                "<int:pk>/progress/",
                self.admin_site.admin_view(self.progress_view),
                name="providers_syncrun_progress",
            ),
            *super().get_urls(),
        ]

    def progress_view(self, request, pk):
        """The run's progress for the page's poller: counts and words, nothing else."""
        run = get_object_or_404(SyncRun, pk=pk)
        if not self.has_view_permission(request, run):
            return HttpResponseRedirect(reverse("admin:index"))
        done, total = services.sync_progress(run)
        return JsonResponse(
            {
                "done": done,
                "total": total,
                "running": run.status in (SyncRun.Status.QUEUED, SyncRun.Status.RUNNING),
                "text": f"{run.get_status_display()} — {_progress(run)}",
            }
        )

    @admin.display(description=_("items"))
    def items(self, run):
        return _progress(run)

    @admin.display(description=_("progress"))
    def live_progress(self, run):
        return _progress_meter(run)

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
