"""Every write of the members app: profiles and accounts (profiles.py) and the mail outbox
(outbox.py, with the messages it composes in composing.py), and what editors do with curated
mailings in admin (mailings.py)."""

from .mailings import preview_message, preview_sample, save_mailing, send_test_mailing
from .outbox import (
    MailingError,
    audience_size,
    move_mailing,
    requeue_stuck_deliveries,
    retry_failed_deliveries,
    send_delivery_batch,
    send_mailing,
    send_scheduled_mailings,
    send_transactional,
)
from .profiles import (
    AccountError,
    delete_account,
    ensure_member,
    export_member_data,
    organisation_named,
    set_member_time_zone,
    unsubscribe,
    update_mail_preferences,
    update_profile,
    update_signup_profile,
)

__all__ = [
    "AccountError",
    "MailingError",
    "audience_size",
    "preview_message",
    "preview_sample",
    "save_mailing",
    "send_scheduled_mailings",
    "send_test_mailing",
    "delete_account",
    "ensure_member",
    "export_member_data",
    "move_mailing",
    "organisation_named",
    "requeue_stuck_deliveries",
    "retry_failed_deliveries",
    "send_delivery_batch",
    "send_mailing",
    "send_transactional",
    "set_member_time_zone",
    "unsubscribe",
    "update_mail_preferences",
    "update_profile",
    "update_signup_profile",
]
