from django.db import migrations


class Migration(migrations.Migration):
    """Kept for the migration history only: the organiser groups and their permissions are
    kept by post_migrate handlers (see a4ep_portal/groups.py), which also restore them after
    a test database is emptied."""

    dependencies = [("dialogues", "0002_initial")]

    operations: list = []
