from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _

# Editors keep the catalogue; publishers may also delete. Registrations are only ever made by
# members (through the services), so organisers view and change them, never add or delete.
EDITOR_PERMISSIONS = [
    ("dialogues", "series", ("view", "add", "change")),
    ("dialogues", "dialogue", ("view", "add", "change")),
    # They set the join link, and answer registrants who cannot find it.
    ("dialogues", "join_link", ("view",)),
    ("dialogues", "session", ("view", "add", "change", "delete")),
    ("dialogues", "dialoguespeaker", ("view", "add", "change", "delete")),
    ("dialogues", "speaker", ("view", "add", "change")),
    ("dialogues", "registration", ("view", "change")),
    ("members", "organisation", ("view", "add", "change")),
    # Participation: questions are moderated (never written by organisers), breakout groups
    # are theirs to shape, topic proposals are reviewed, feedback is read.
    ("dialogues", "question", ("view", "change")),
    ("dialogues", "breakoutgroup", ("view", "add", "change", "delete")),
    ("dialogues", "topicproposal", ("view", "change")),
    ("dialogues", "feedback", ("view",)),
]
PUBLISHER_PERMISSIONS = [
    ("dialogues", "dialogue", ("delete",)),
    ("dialogues", "speaker", ("delete",)),
    ("members", "organisation", ("delete",)),
    ("dialogues", "topicproposal", ("delete",)),
]


def grant_dialogue_permissions(sender, **kwargs) -> None:
    from a4ep_portal.groups import grant_to_organisers

    grant_to_organisers(editors=EDITOR_PERMISSIONS, publishers=PUBLISHER_PERMISSIONS)


class DialoguesConfig(AppConfig):
    name = "dialogues"
    verbose_name = _("Dialogues")

    def ready(self) -> None:
        from members import hooks
        from members.models import Mailing

        from . import (
            services,
            signals,  # noqa: F401  (forgets the cached figures when inputs change)
        )
        from .services.exports import export_participation

        # Members' data download, account deletion and mail audiences, without members
        # importing dialogues.
        hooks.register_export("registrations", services.export_registrations)
        hooks.register_export("participation", export_participation)
        hooks.register_eraser("registrations", services.erase_registration_details)
        hooks.register_audience(Mailing.Audience.REGISTRANTS, services.confirmed_registrants)
        hooks.register_audience(Mailing.Audience.WAITING_LIST, services.waiting_registrants)
        hooks.register_audience(Mailing.Audience.SUMMARY_READERS, services.summary_readers)
        post_migrate.connect(
            grant_dialogue_permissions, sender=self, dispatch_uid="dialogues_groups"
        )
        self._drop_cached_pages_on_change()

    def _drop_cached_pages_on_change(self) -> None:
        """What the public catalogue shows changed: anonymous visitors' cached pages and the
        cached cards and page parts (a4ep_portal/fragments.py) go."""
        from a4ep_portal.fragments import invalidate_content
        from members.models import Organisation

        from .models import Dialogue, DialogueSpeaker, Series, Session, Speaker

        for model in (Series, Dialogue, Session, DialogueSpeaker, Speaker, Organisation):
            for signal in (post_save, post_delete):
                signal.connect(invalidate_content, sender=model, weak=False)
        m2m_changed.connect(invalidate_content, sender=Dialogue.co_hosts.through, weak=False)
