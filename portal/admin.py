from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from portal.models import User


@admin.register(User)
class MemberAdmin(UserAdmin):
    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "company", "language", "is_staff")
    list_filter = ("is_staff", "is_active", "language")
    search_fields = ("email", "first_name", "last_name", "company", "phone")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Profile"),
            {"fields": ("first_name", "last_name", "phone", "company", "language", "timezone")},
        ),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
