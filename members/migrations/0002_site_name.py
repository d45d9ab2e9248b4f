from urllib.parse import urlsplit

from django.conf import settings
from django.db import migrations


def name_the_site(apps, schema_editor):
    # allauth names the site in its mail ("the team at ..."): give it the portal's name.
    Site = apps.get_model("sites", "Site")
    host = urlsplit(settings.SITE_URL).netloc or "127.0.0.1:8000"
    Site.objects.update_or_create(
        pk=settings.SITE_ID, defaults={"domain": host, "name": "A4EP Dialogues"}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0001_initial"),
        ("sites", "0002_alter_domain_unique"),
    ]

    operations = [migrations.RunPython(name_the_site, migrations.RunPython.noop)]
