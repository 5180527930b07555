"""Members in the admin: profile, their bookings and calendar link, and disabling one.

Only a superuser changes who is staff and what they may do (``is_staff``,
``is_superuser``, groups, permissions) or changes another staff account: an Administrator
who may change members must not be able to raise their own rights, nor take over a
superuser's account by setting its password.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from bookings.exports import space_time
from bookings.models import Booking, FeedToken
from portal import staff
from portal.models import User

RECENT_BOOKINGS = 20  # shown on a member's page; the rest through the bookings list
ROLE_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")


def _rows(bookings) -> list[dict]:
    return [
        {
            "booking": booking,
            "start": space_time(booking.start, booking.space),
            "item": booking.item.name if booking.item else "",
        }
        for booking in bookings
    ]


@admin.register(User)
class MemberAdmin(UserAdmin):
    ordering = ("email",)
    list_display = (
        "email",
        "first_name",
        "last_name",
        "company",
        "language",
        "is_active",
        "is_staff",
    )
    list_filter = ("is_staff", "is_active", "groups", "language")
    search_fields = ("email", "first_name", "last_name", "company", "phone")
    readonly_fields = ("calendar_feed",)
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Profile"),
            {"fields": ("first_name", "last_name", "phone", "company", "language", "timezone")},
        ),
        (
            _("Bookings and calendar"),
            {"fields": ("calendar_feed",)},
        ),
        (
            _("Permissions"),
            {"fields": ("is_active", *ROLE_FIELDS)},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    def has_change_permission(self, request, obj=None):
        """Staff accounts are changed (password, email, disabling) by superusers only, or
        by themselves: an Administrator must not take over a superuser's account."""
        allowed = super().has_change_permission(request, obj)
        if obj is None or request.user.is_superuser or obj == request.user:
            return allowed
        return allowed and not (obj.is_staff or obj.is_superuser)

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ROLE_FIELDS
        return fields

    # --- what staff read on a member's page ----------------------------------------

    @admin.display(description=_("Calendar link"))
    def calendar_feed(self, member: User) -> str:
        feed = FeedToken.active(member)
        if feed is None:
            return gettext("Off")
        return gettext("On since %(date)s") % {"date": f"{feed.created_at:%Y-%m-%d %H:%M} UTC"}

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The member's bookings under the form (``admin/portal/user/change_form.html``),
        each start in its space's time with the zone named."""
        member = self.get_object(request, unquote(object_id))
        if member is not None:
            recent = (
                Booking.objects.filter(member=member)
                .select_related("space", "resource", "offer")
                .order_by("-start")[:RECENT_BOOKINGS]
            )
            extra_context = {
                **(extra_context or {}),
                "future_bookings": _rows(staff.future_live_bookings(member)),
                "recent_bookings": _rows(recent),
                "all_bookings_url": reverse("admin:bookings_booking_changelist")
                + "?"
                + urlencode({"q": member.email}),
                "can_open_bookings": request.user.has_perm("bookings.view_booking"),
                "can_disable": member.is_active
                and member != request.user
                and self.has_change_permission(request, member),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    # --- disabling a member --------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "<id>/disable/",
                self.admin_site.admin_view(self.disable_view),
                name="portal_user_disable",
            ),
            *super().get_urls(),
        ]

    def disable_view(self, request, id):
        member = self.get_object(request, unquote(id))
        if member is None:
            raise Http404(gettext("No such member."))
        if not self.has_change_permission(request, member):
            raise PermissionDenied
        change_url = reverse("admin:portal_user_change", args=[member.pk])
        if request.method == "POST":
            if member == request.user:
                self.message_user(request, gettext("You cannot disable yourself."), messages.ERROR)
                return HttpResponseRedirect(change_url)
            future = staff.disable_member(member)
            self.log_change(
                request,
                member,
                gettext("Disabled: sign-in refused, calendar link turned off."),
            )
            if not future:
                self.message_user(
                    request,
                    gettext(
                        "%(member)s is disabled and their calendar link is off. "
                        "They have no future bookings."
                    )
                    % {"member": member.email},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(change_url)
            self.message_user(
                request,
                ngettext(
                    "%(member)s is disabled and their calendar link is off. "
                    "Their %(count)d future booking is listed below: decide what to do.",
                    "%(member)s is disabled and their calendar link is off. "
                    "Their %(count)d future bookings are listed below: decide each one.",
                    len(future),
                )
                % {"member": member.email, "count": len(future)},
                messages.WARNING,
            )
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Disable %(member)s?") % {"member": member.email},
            "opts": self.opts,
            "member": member,
            "feed": FeedToken.active(member),
            "future_bookings": _rows(staff.future_live_bookings(member)),
            "can_open_bookings": request.user.has_perm("bookings.view_booking"),
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/portal/user/disable_member.html", context)
