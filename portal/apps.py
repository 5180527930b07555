from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Members and portal"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save

        from portal import roles, signed_in

        member = get_user_model()
        for signal in (post_save, post_delete):
            signal.connect(signed_in.on_write, sender=member, dispatch_uid="portal.signed_in")

        # keep the staff groups in line with ``portal.roles.ROLES`` on every migrate
        post_migrate.connect(roles.sync_roles, sender=self, dispatch_uid="portal.sync_roles")


class StaffAdminConfig(admin_apps.AdminConfig):
    """Django's admin, whose default site (``admin.site``) is the staff console: its
    index is Today (``portal.admin_site.StaffAdminSite``)."""

    default = False  # named in INSTALLED_APPS; "portal" itself stays PortalConfig
    default_site = "portal.admin_site.StaffAdminSite"
