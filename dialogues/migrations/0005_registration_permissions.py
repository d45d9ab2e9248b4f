from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    # Organisers see and manage registrants (attendance, cancelling); only services add them.
    app_config = apps.get_app_config("dialogues")
    app_config.models_module = True  # a migration's app stub lacks it; Django's own idiom
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="dialogues",
        codename__in=["view_registration", "change_registration"],
    )
    for group in Group.objects.filter(name__in=["Editors", "Publishers"]):
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [("dialogues", "0004_registration"), ("dialogues", "0003_organiser_groups")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
