from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
PUBLISHERS = "Publishers"

# Editors create, edit and submit; publishers also approve, publish and withdraw. Nobody but
# a superuser deletes a paper or recording: withdrawing is how one leaves the site.
EDITOR_PERMISSIONS = [
    ("papers", "paper", ("view", "add", "change")),
    ("papers", "recording", ("view", "add", "change")),
    ("papers", "caption", ("view", "add", "change", "delete")),
    ("papers", "paperversion", ("view",)),
    ("papers", "recordingversion", ("view",)),
    ("a4ep_portal", "workflowevent", ("view",)),
]
PUBLISHER_EXTRA = [
    ("papers", "paper", ("publish",)),
    ("papers", "recording", ("publish",)),
]


def _permissions(apps, table):
    Permission = apps.get_model("auth", "Permission")
    for app_label, model, actions in table:
        for action in actions:
            yield Permission.objects.get(
                content_type__app_label=app_label, codename=f"{action}_{model}"
            )


def grant(apps, schema_editor):
    # Permissions are normally made after all migrations; make them now so the groups get them.
    for app_label in ("papers", "a4ep_portal"):
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True  # a migration's app stub lacks it; Django's own idiom
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    editors.permissions.add(*_permissions(apps, EDITOR_PERMISSIONS))
    publishers, _ = Group.objects.get_or_create(name=PUBLISHERS)
    publishers.permissions.add(*_permissions(apps, EDITOR_PERMISSIONS + PUBLISHER_EXTRA))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    permissions = list(_permissions(apps, EDITOR_PERMISSIONS + PUBLISHER_EXTRA))
    for group in Group.objects.filter(name__in=[EDITORS, PUBLISHERS]):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("papers", "0001_initial"),
        ("a4ep_portal", "0001_initial"),
        ("dialogues", "0003_organiser_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
