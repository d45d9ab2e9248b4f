"""The organiser groups, Editors and Publishers, the Co-hosts group (a co-hosting
organisation's staff, limited to its own dialogues), and what each app lets them do.

Each app lists its permissions and calls grant_to_organisers() from a post_migrate handler.
post_migrate runs after every `migrate` and after a test database is emptied, so the groups
are always there with their permissions, whichever apps are installed.
"""

from collections.abc import Iterable

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

EDITORS = "Editors"
PUBLISHERS = "Publishers"
CO_HOSTS = "Co-hosts"

# (app label, model, actions), e.g. ("dialogues", "dialogue", ("view", "add", "change")).
PermissionTable = Iterable[tuple[str, str, tuple[str, ...]]]


def _permissions(table: PermissionTable) -> list[Permission]:
    wanted = Q(pk__in=[])
    for app_label, model, actions in table:
        for action in actions:
            wanted |= Q(content_type__app_label=app_label, codename=f"{action}_{model}")
    return list(Permission.objects.filter(wanted))


def grant_to_organisers(*, editors: PermissionTable, publishers: PermissionTable) -> None:
    """Create the groups if missing and give them these permissions (publishers get the
    editors' too). Safe to run any number of times."""
    editor_permissions = _permissions(editors)
    group, _ = Group.objects.get_or_create(name=EDITORS)
    group.permissions.add(*editor_permissions)
    group, _ = Group.objects.get_or_create(name=PUBLISHERS)
    group.permissions.add(*editor_permissions, *_permissions(publishers))


def grant_to_co_hosts(table: PermissionTable) -> None:
    """Create the Co-hosts group if missing and give it these permissions. What a co-host
    sees of each model is narrowed to their own dialogues by the app's admin."""
    group, _ = Group.objects.get_or_create(name=CO_HOSTS)
    group.permissions.add(*_permissions(table))
