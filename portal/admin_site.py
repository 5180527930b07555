"""The staff console: Django's admin site whose landing page is Today.

Same login and permissions as the rest of the admin; every ``admin.site.register`` and
``@admin.register`` registers here (``StaffAdminConfig.default_site``) and the
``admin:`` URL names are Django's. What Today shows is computed by ``bookings.console``;
this only renders it.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookings.console import chart, health, queue, schedule
from bookings.models import Booking


class StaffAdminSite(admin.AdminSite):
    site_header = _("Coworking portal staff")
    site_title = _("Coworking portal staff")
    index_title = _("Today")
    index_template = "admin/today.html"

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
                        # each action asks for confirmation and a reason on its own page
                        (name, actions[name])
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


def _url_or_none(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None
