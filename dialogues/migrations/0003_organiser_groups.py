from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
PUBLISHERS = "Publishers"

# (app, model, actions) that organisers work with in admin.
EDITOR_PERMISSIONS = [
    ("dialogues", "series", ("view", "add", "change")),
    ("dialogues", "dialogue", ("view", "add", "change")),
    ("dialogues", "session", ("view", "add", "change", "delete")),
    ("dialogues", "dialoguespeaker", ("view", "add", "change", "delete")),
    ("dialogues", "speaker", ("view", "add", "change")),
    ("members", "organisation", ("view", "add", "change")),
]
PUBLISHER_EXTRA = [
    ("dialogues", "dialogue", ("delete",)),
    ("dialogues", "speaker", ("delete",)),
    ("members", "organisation", ("delete",)),
]


def _permissions(apps, table):
    Permission = apps.get_model("auth", "Permission")
    for app_label, model, actions in table:
        for action in actions:
            yield Permission.objects.get(
                content_type__app_label=app_label, codename=f"{action}_{model}"
            )


def create_groups(apps, schema_editor):
    # Permissions are normally made after all migrations; make them now so the groups get them.
    for app_label in ("dialogues", "members"):
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True  # a migration's app stub lacks it; Django's own idiom
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    editors.permissions.add(*_permissions(apps, EDITOR_PERMISSIONS))
    publishers, _ = Group.objects.get_or_create(name=PUBLISHERS)
    publishers.permissions.add(*_permissions(apps, EDITOR_PERMISSIONS + PUBLISHER_EXTRA))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[EDITORS, PUBLISHERS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("dialogues", "0002_initial"),
        ("members", "0002_site_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
