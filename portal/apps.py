from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Members and portal"


class StaffAdminConfig(admin_apps.AdminConfig):
    """Django's admin, whose default site (``admin.site``) is the staff console: its
    index is Today (``portal.admin_site.StaffAdminSite``)."""

    default = False  # named in INSTALLED_APPS; "portal" itself stays PortalConfig
    default_site = "portal.admin_site.StaffAdminSite"
