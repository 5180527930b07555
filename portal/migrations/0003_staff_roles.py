"""The staff roles (Viewer, Operator, Administrator) as Django groups: ``portal.roles``."""

from django.db import migrations


def create_roles(apps, schema_editor):
    from portal import roles

    roles.sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0002_search_index"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("bookings", "0008_feed_token_stored"),
        ("providers", "0004_fill_search_text"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
