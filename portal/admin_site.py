"""The staff console: Django's admin site whose landing page is Today.

Same login and permissions as the rest of the admin; every ``admin.site.register`` and
``@admin.register`` registers here (``StaffAdminConfig.default_site``) and the
``admin:`` URL names are Django's. What Today shows is computed by ``bookings.console``;
this only renders it.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import admin
from django.contrib.admin import helpers
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookings.console import chart, health, queue, schedule
from bookings.models import Booking

# Admin actions that ask for confirmation (and a reason) on a page of their own: Today
# posts to them directly. Any other action goes through Today's confirmation page first.
CONFIRMS_ITSELF = frozenset({"confirm_request", "decline_request", "mark_cancelled"})


class StaffAdminSite(admin.AdminSite):
    site_header = _("Coworking portal staff")
    site_title = _("Coworking portal staff")
    index_title = _("Today")
    index_template = "admin/today.html"

    def get_urls(self):
        return [
            path(
                "today/confirm/<str:action>/<int:pk>/",
                self.admin_view(self.today_confirm),
                name="today_confirm",
            ),
            *super().get_urls(),
        ]

    # --- Today --------------------------------------------------------------------
    def index(self, request, extra_context=None):
        now = timezone.now()
        user = request.user
        context: dict = {"now": now}
        if user.has_perm("bookings.view_booking"):
            actions = self._booking_actions(request)
            context["spaces"] = schedule.starting_soon(now)
            context["queue"] = [
                (
                    entry,
                    [
                        (name, actions[name], name in CONFIRMS_ITSELF)
                        for name in entry.reason.actions
                        if name in actions
                    ],
                )
                for entry in queue.attention(now)
            ]
            context["chart"] = chart.bookings_per_day(now)
            context["changelist_url"] = reverse("admin:bookings_booking_changelist")
            context["export_url"] = _url_or_none("bookings_export")
            # the form's period: last month, what accounting asks for most
            first = timezone.localdate(now).replace(day=1)
            previous = first - dt.timedelta(days=1)
            context["export_from"] = previous.replace(day=1).isoformat()
            context["export_to"] = previous.isoformat()
        if user.has_perm("providers.view_provideraccount"):
            context["health"] = health.accounts(now)
        return super().index(request, {**context, **(extra_context or {})})

    def _booking_actions(self, request) -> dict[str, str]:
        """The booking admin's actions this staff member may run: name -> label."""
        booking_admin = self._registry.get(Booking)
        if booking_admin is None or not booking_admin.has_change_permission(request):
            return {}
        labels = {}
        for name, action in booking_admin.get_actions(request).items():
            if action is not None:
                labels[name] = str(action[2])
        return labels

    def today_confirm(self, request, action: str, pk: int):
        """The confirmation step of a queue button whose action has none of its own."""
        actions = self._booking_actions(request)
        if action not in actions:
            raise Http404("no such action for you")
        booking = get_object_or_404(Booking.objects.select_related("space__account"), pk=pk)
        context = {
            **self.each_context(request),
            "title": actions[action],
            "booking": booking,
            "action": action,
            "action_label": actions[action],
            "changelist_url": reverse("admin:bookings_booking_changelist"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        request.current_app = self.name
        return TemplateResponse(request, "admin/today_confirm.html", context)


def _url_or_none(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None
