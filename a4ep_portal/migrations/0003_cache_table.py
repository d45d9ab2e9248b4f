"""The database cache table: the cache on a bare machine, and with Redis the place where
allauth's rate limits are counted while Redis is down (settings.CACHES["ratelimits"])."""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    # Django's own command: it creates the table of every database cache in settings, and
    # leaves one that exists (made earlier by `manage.py createcachetable`) as it is.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [
        ("a4ep_portal", "0002_labels"),
    ]

    operations = [
        migrations.RunPython(create_cache_tables, migrations.RunPython.noop),
    ]
