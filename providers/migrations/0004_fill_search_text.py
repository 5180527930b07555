"""Fill ``Space.search_text`` for the spaces synced before it existed.

The catalogue sync writes it from then on (``providers.services``); this reads the same
fields the sync reads, so existing rows are searchable without waiting for a sync.
"""

from django.db import migrations


def fill(apps, schema_editor):
    from providers.places import search_text

    Space = apps.get_model("providers", "Space")
    for space in Space.objects.all().iterator():
        space.search_text = search_text(
            space.name,
            space.city,
            space.country,
            space.address,
            country_code=space.country_code,
            timezone=space.timezone,
        )
        space.save(update_fields=["search_text"])


class Migration(migrations.Migration):
    dependencies = [("providers", "0003_search_index")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
