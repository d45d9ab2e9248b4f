from django.db import migrations


class Migration(migrations.Migration):
    """Kept for the migration history only: members/apps.py names the site after every
    migrate (post_migrate), which also covers an emptied test database."""

    dependencies = [("members", "0001_initial"), ("sites", "0002_alter_domain_unique")]

    operations: list = []
