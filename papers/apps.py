from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

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
PUBLISHER_PERMISSIONS = [
    ("papers", "paper", ("publish",)),
    ("papers", "recording", ("publish",)),
]


def grant_paper_permissions(sender, **kwargs) -> None:
    from a4ep_portal.groups import grant_to_organisers

    grant_to_organisers(editors=EDITOR_PERMISSIONS, publishers=PUBLISHER_PERMISSIONS)


class PapersConfig(AppConfig):
    name = "papers"
    verbose_name = _("Papers and recordings")

    def ready(self) -> None:
        from dialogues.demo import demo_loaded

        from .demo import load_papers

        demo_loaded.connect(load_papers, dispatch_uid="papers_demo")
        from . import signals

        # Preview images and offline packs are marked stale by the changes that affect them.
        signals.connect()
        post_migrate.connect(grant_paper_permissions, sender=self, dispatch_uid="papers_groups")
        # Publishing, withdrawing or editing changes what the archive and dialogue pages show.
        from django.db.models.signals import post_delete, post_save

        from a4ep_portal.fragments import invalidate_content

        for model in self.get_models():
            for signal in (post_save, post_delete):
                signal.connect(invalidate_content, sender=model, weak=False)
