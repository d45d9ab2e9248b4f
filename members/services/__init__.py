"""Every write of the members app: profiles and accounts (profiles.py); the mail outbox
(outbox.py: writing, queueing and recovering deliveries, the mailings' workflow moves), who a
mailing goes to (audiences.py), how a worker sends a batch (sending.py, with the messages it
composes in composing.py); and what editors do with curated mailings in admin (mailings.py)."""

from .audiences import MailingError, audience_problems, audience_size
from .mailings import preview_message, preview_sample, save_mailing, send_test_mailing
from .outbox import (
    move_mailing,
    requeue_stuck_deliveries,
    retry_failed_deliveries,
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
from .sending import send_delivery_batch

__all__ = [
    "AccountError",
    "MailingError",
    "audience_problems",
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
