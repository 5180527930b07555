from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Members and portal"

    def ready(self) -> None:
        from portal import roles

        # keep the staff groups in line with ``portal.roles.ROLES`` on every migrate
        post_migrate.connect(roles.sync_roles, sender=self, dispatch_uid="portal.sync_roles")
