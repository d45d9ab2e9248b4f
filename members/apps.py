from urllib.parse import urlsplit

from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def name_the_site(sender, **kwargs) -> None:
    # allauth names the site in its mail ("the team at ..."): give it the portal's name and
    # address, after every migrate (the sites app alone would leave "example.com").
    from django.contrib.sites.models import Site

    host = urlsplit(settings.SITE_URL).netloc or "127.0.0.1:8000"
    Site.objects.update_or_create(
        pk=settings.SITE_ID, defaults={"domain": host, "name": "A4EP Dialogues"}
    )


# Editors draft mailings and see deliveries; publishers also approve and send mailings
# (publish_mailing) and queue failed deliveries again.
EDITOR_PERMISSIONS = [
    ("members", "mailing", ("view", "add", "change")),
    ("members", "delivery", ("view",)),
    ("members", "oneoffmessage", ("view",)),
]
PUBLISHER_PERMISSIONS = [
    ("members", "mailing", ("publish",)),
    ("members", "delivery", ("change",)),
]


def grant_mail_permissions(sender, **kwargs) -> None:
    from a4ep_portal.groups import grant_to_organisers

    grant_to_organisers(editors=EDITOR_PERMISSIONS, publishers=PUBLISHER_PERMISSIONS)


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the profile creation)

        post_migrate.connect(name_the_site, sender=self, dispatch_uid="members_site")
        post_migrate.connect(grant_mail_permissions, sender=self, dispatch_uid="members_groups")
