"""Staff roles: Django groups, declared once here.

A staff member (``is_staff``) in one of these groups can do what the group allows in the
admin and nothing more; superusers are not limited. The data migration
``portal/0003_staff_roles`` creates the groups, and every ``migrate`` brings them back in
line with ``ROLES`` (``sync_roles`` on ``post_migrate``), so a permission added here, or a
model added to an app, reaches the groups without a new migration. Permissions a group
holds that ``ROLES`` does not name are removed: the declaration is the truth.
"""

from __future__ import annotations

VIEWER = "Viewer"
OPERATOR = "Operator"
ADMINISTRATOR = "Administrator"

# What staff may read: bookings and their history, members, provider accounts and their
# syncs, the catalogue, exchange rates, the admin log.
_READ = (
    "bookings.view_booking",
    "bookings.view_bookingevent",
    "bookings.view_feedtoken",
    "bookings.view_provideridentity",
    "bookings.view_exchangerate",
    "portal.view_user",
    "providers.view_provideraccount",
    "providers.view_syncrun",
    "providers.view_space",
    "providers.view_resource",
    "providers.view_offer",
    "providers.view_amenity",
    "admin.view_logentry",
)
# Acting on bookings: the booking admin's actions (retry, approve, decline, cancel...)
# need the change permission.
_OPERATE = ("bookings.change_booking",)
# Running the service: provider accounts (and "Sync now"), exchange rates, members, and
# the catalogue's staff-only curation (hidden, featured, notes).
_ADMINISTER = (
    "providers.add_provideraccount",
    "providers.change_provideraccount",
    "bookings.add_exchangerate",
    "bookings.change_exchangerate",
    "bookings.delete_exchangerate",
    "portal.add_user",
    "portal.change_user",
    "providers.change_space",
    "providers.change_resource",
    "providers.change_offer",
)

ROLES: dict[str, tuple[str, ...]] = {
    VIEWER: _READ,
    OPERATOR: _READ + _OPERATE,
    ADMINISTRATOR: _READ + _OPERATE + _ADMINISTER,
}


def sync_roles(apps=None, **kwargs) -> None:
    """Create the groups of ``ROLES`` and give each exactly its permissions.

    ``apps`` is a migration's app registry, or the project's (``post_migrate``). A
    permission whose model does not exist (yet) is skipped; the next ``migrate`` adds it.
    """
    if apps is None or not hasattr(apps, "get_model"):
        from django.apps import apps as project_apps

        apps = project_apps
    from django.contrib.auth.management import create_permissions

    # Permissions are made after migrations (post_migrate); a data migration running on a
    # new database must make them first.
    for app_config in apps.get_app_configs():
        stub = not getattr(app_config, "models_module", None)  # a migration's stubs have none
        if stub:
            app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        if stub:
            app_config.models_module = None
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for name, wanted in ROLES.items():
        group, _created = group_model.objects.get_or_create(name=name)
        permissions = []
        for label in wanted:
            app_label, codename = label.split(".")
            found = permission_model.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if found is not None:
                permissions.append(found)
        group.permissions.set(permissions)
