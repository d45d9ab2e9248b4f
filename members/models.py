import functools
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from a4ep_portal.languages import MEMBER_LANGUAGES
from a4ep_portal.models import PublishableModel
from a4ep_portal.workflow import State


@functools.cache
def known_time_zones() -> frozenset[str]:
    """The IANA zone names; cached, since listing them reads the whole tz database (~20 ms)."""
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    # Not model choices: the zone list changes with tzdata and must not need a migration.
    if value not in known_time_zones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


class UserManager(BaseUserManager):
    """Users log in with their e-mail address; there are no usernames."""

    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    username = None
    email = models.EmailField(_("e-mail address"), unique=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.email


class Organisation(models.Model):
    class Kind(models.TextChoices):
        LOCAL_NGO = "local_ngo", _("Local NGO")
        NATIONAL_NGO = "national_ngo", _("National NGO")
        NETWORK = "network", _("Network")
        INGO = "ingo", _("International NGO")
        UN_AGENCY = "un_agency", _("UN agency")
        ACADEMIA = "academia", _("Academia")
        DONOR = "donor", _("Donor")
        GOVERNMENT = "government", _("Government")

    name = models.CharField(_("name"), max_length=200, unique=True)
    country = CountryField(_("country"), blank=True)
    # Empty for an organisation a member added at sign-up, until organisers classify it.
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, blank=True)
    website = models.URLField(_("website"), blank=True)
    is_a4ep_member = models.BooleanField(_("A4EP member"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Member(models.Model):
    """The profile of a person who uses the portal; one per user, made at sign-up."""

    class ShownAs(models.TextChoices):
        FULL_NAME = "full_name", _("My full name and organisation")
        FIRST_NAME = "first_name", _("My first name only")
        ORGANISATION = "organisation", _("My organisation only")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="member",
        verbose_name=_("user"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("organisation"),
    )
    country = CountryField(_("country"), blank=True)
    role = models.CharField(
        _("role"), max_length=200, blank=True, help_text=_("For example: programme officer.")
    )
    shown_as = models.CharField(
        _("how other registrants see you"),
        max_length=20,
        choices=ShownAs.choices,
        default=ShownAs.FIRST_NAME,
        help_text=_("In questions and breakout groups. Participant lists are never public."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text=_("Every date and time on the portal and in your mail is shown in this zone."),
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=MEMBER_LANGUAGES,
        default="en",
        help_text=_(
            "The portal switches to this language when you log in, and we write to you in it "
            "where we can, else in English."
        ),
    )
    languages_spoken = models.JSONField(_("languages you speak"), default=list, blank=True)
    # Mail preferences, one per kind of mailing; transactional mail (confirmations, password
    # resets) is always sent. News is opt-in, the rest follows from registering.
    wants_invitations = models.BooleanField(_("invitations to new dialogues"), default=True)
    wants_reminders = models.BooleanField(_("reminders before a dialogue"), default=True)
    wants_summaries = models.BooleanField(_("summaries and papers after a dialogue"), default=True)
    wants_news = models.BooleanField(_("news from A4EP"), default=False)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.email

    def shown_name(self) -> str:
        """How this member appears to other registrants: never the e-mail address."""
        organisation = self.organisation.name if self.organisation_id else ""
        if self.shown_as == self.ShownAs.ORGANISATION:
            return organisation or str(_("A participant"))
        if self.shown_as == self.ShownAs.FULL_NAME:
            name = self.user.get_full_name()
            return f"{name} ({organisation})" if name and organisation else name or organisation
        return self.user.first_name or organisation or str(_("A participant"))

    def wants(self, kind: str) -> bool:
        """Whether the member takes mailings of this kind (transactional: always)."""
        field = PREFERENCE_FIELDS.get(kind)
        return True if field is None else getattr(self, field)

    def site_language(self) -> str:
        """The preferred language if the portal's pages speak it, else the portal's default."""
        if self.preferred_language in dict(settings.LANGUAGES):
            return self.preferred_language
        return settings.LANGUAGE_CODE

    def languages_spoken_display(self) -> list[str]:
        names = dict(MEMBER_LANGUAGES)
        return [str(names[code]) for code in self.languages_spoken if code in names]


class MailKind(models.TextChoices):
    TRANSACTIONAL = "transactional", _("Transactional (always sent)")
    INVITATION = "invitation", _("Invitation to a new dialogue")
    REMINDER = "reminder", _("Reminder")
    SUMMARY = "summary", _("Summary and papers after a dialogue")
    NEWS = "news", _("News")


# The Member field that says whether a member takes each kind of mailing.
PREFERENCE_FIELDS = {
    MailKind.INVITATION: "wants_invitations",
    MailKind.REMINDER: "wants_reminders",
    MailKind.SUMMARY: "wants_summaries",
    MailKind.NEWS: "wants_news",
}


# The workflow's states as organisers speak of a mailing: "published" is "sent".
MAILING_STATES = [
    (value, _("Sent") if value == State.PUBLISHED else label) for value, label in State.choices
]


class Mailing(PublishableModel):
    """One message to an audience. Curated mailings go through the publishing workflow
    (sending is its "publish" move); transactional ones go out at once to one member. Its
    body is Markdown with per-recipient placeholders such as {{ first_name }}."""

    state = models.CharField(
        _("state"), max_length=20, choices=MAILING_STATES, default=State.DRAFT, editable=False
    )

    class Audience(models.TextChoices):
        ALL_MEMBERS = "all_members", _("All members")
        REGISTRANTS = "registrants", _("Confirmed registrants of the dialogue")
        WAITING_LIST = "waiting_list", _("The dialogue's waiting list")
        ONE_MEMBER = "one_member", _("One member (the recipient)")
        CHOSEN_MEMBERS = "chosen_members", _("Members of the chosen countries and kinds")
        SUMMARY_READERS = (
            "summary_readers",
            _("The dialogue's registrants and attendees, and members who want summaries"),
        )
        ADDRESSES_ONLY = "addresses", _("Only the pasted addresses")

    class Details(models.TextChoices):
        """What the layout shows of the dialogue below the text, rendered per recipient's
        language and zone."""

        NONE = "", _("Its title, time and page")
        INVITATION = "invitation", _("Invitation: question, co-hosts, paper, register link")
        SUMMARY = "summary", _("Summary: papers, recording, transcript, audio, feedback")

    kind = models.CharField(_("kind"), max_length=20, choices=MailKind.choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(
        _("body"),
        help_text=_(
            "Markdown. Placeholders: {{ first_name }}, {{ full_name }}, {{ email }}, "
            "{{ profile_url }}, {{ preferences_url }}."
        ),
    )
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices)
    dialogue = models.ForeignKey(
        "dialogues.Dialogue",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mailings",
        verbose_name=_("dialogue"),
    )
    recipient = models.ForeignKey(
        Member,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recipient"),
        help_text=_("For the audience “one member”."),
    )
    details = models.CharField(
        _("dialogue details"),
        max_length=20,
        choices=Details.choices,
        blank=True,
        default=Details.NONE,
        help_text=_("Shown below the text, in each recipient's language and time zone."),
    )
    countries = CountryField(
        _("countries"),
        multiple=True,
        blank=True,
        help_text=_("For the audience “members of the chosen countries and kinds”."),
    )
    organisation_kinds = models.JSONField(
        _("kinds of organisation"),
        default=list,
        blank=True,
        help_text=_(
            "For the audience “members of the chosen countries and kinds”: with both "
            "countries and kinds chosen, a member must match one of each."
        ),
    )
    # Addresses of people who are not members yet; emptied once their deliveries exist, so
    # that the addresses are kept only in this mailing's delivery records.
    guest_addresses = models.TextField(
        _("addresses of non-members"),
        blank=True,
        help_text=_(
            "One address per line. They get a sign-up link instead of a register link; "
            "addresses of members are mailed as members."
        ),
    )
    # A message written for one non-member who asked for it (a visitor told a dialogue's
    # date): composed in their language and this zone, with this link to stop such mail.
    # Empty for the rest, whose non-members get the site's language, UTC and no link.
    guest_language = models.CharField(
        _("language for the non-member"), max_length=8, blank=True, editable=False
    )
    guest_time_zone = models.CharField(
        _("time zone for the non-member"), max_length=64, blank=True, editable=False
    )
    guest_unsubscribe_url = models.URLField(
        _("unsubscribe link for the non-member"), max_length=500, blank=True, editable=False
    )
    # How long before the dialogue's start a reminder goes out (reminders only).
    reminder_before = models.DurationField(
        _("reminder before the start"), null=True, blank=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("created by"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("approved by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(
        _("sent"), null=True, blank=True, editable=False, help_text=_("When it was queued.")
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("mailing")
        verbose_name_plural = _("mailings")
        permissions = [("publish_mailing", _("Can approve, send and withdraw mailings"))]
        constraints = [
            # A reminder goes once per registrant, dialogue and lead time, however often and
            # on however many workers the reminder task runs.
            models.UniqueConstraint(
                fields=["recipient", "dialogue", "reminder_before"],
                condition=Q(kind="reminder"),
                name="one_reminder_per_registrant",
            ),
            # One summary at a time is being prepared for a dialogue.
            models.UniqueConstraint(
                fields=["dialogue"],
                condition=Q(kind="summary", state__in=["draft", "in_review", "approved"]),
                name="one_open_summary_per_dialogue",
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    def is_sent(self) -> bool:
        return self.sent_at is not None

    def is_transactional(self) -> bool:
        return self.kind == MailKind.TRANSACTIONAL

    def needs_approval(self) -> bool:
        """Curated mailings wait for a publisher; confirmations and reminders go at once."""
        return self.kind not in (MailKind.TRANSACTIONAL, MailKind.REMINDER)

    def may_be_sent(self) -> bool:
        return not self.is_sent() and (not self.needs_approval() or self.state == State.APPROVED)


# What editors write in admin and publishers approve; the rest are one-off messages.
CURATED_KINDS = (MailKind.INVITATION, MailKind.SUMMARY, MailKind.NEWS)


class OneOffMessage(Mailing):
    """The portal's own messages to one member each (confirmations, reminders, account mail,
    organisers' test messages), listed apart from the curated mailings in admin."""

    class Meta:
        proxy = True
        verbose_name = _("one-off message")
        verbose_name_plural = _("one-off messages")


class MailAttachment(models.Model):
    """A file sent with every message of a mailing (a registrant's .ics, for one)."""

    mailing = models.ForeignKey(
        Mailing, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("mailing")
    )
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    content = models.BinaryField(_("content"))

    class Meta:
        ordering = ["mailing", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.filename


class Delivery(models.Model):
    """One mailing to one member: created before anything is sent, claimed under a row lock
    by one worker, and marked sent as soon as the server accepted the message."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    # The moves the outbox makes (members.services.outbox), each a conditional UPDATE
    # (`... WHERE status = <from>`) rather than a4ep_portal.states.change_state: they run in
    # bulk on the measured send path, and the WHERE is the check. None: a new delivery.
    TRANSITIONS = {
        None: {Status.QUEUED, Status.SKIPPED},
        Status.QUEUED: {Status.SENDING, Status.FAILED},  # claimed; or given up on
        Status.SENDING: {Status.SENT, Status.FAILED, Status.SKIPPED, Status.QUEUED},
        Status.SENT: set(),
        Status.FAILED: {Status.QUEUED},  # an organiser's "retry failed" (logged)
        Status.SKIPPED: set(),
    }

    mailing = models.ForeignKey(
        Mailing, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("mailing")
    )
    # Emptied (with the address) when the account is deleted, so that counts stay true. Also
    # empty for a non-member invited by address: then only the address says who it was for.
    member = models.ForeignKey(
        Member,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("member"),
    )
    address = models.EmailField(_("address"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error or reason"), blank=True)
    queued_at = models.DateTimeField(_("queued"), null=True, blank=True)
    # When a worker's task was queued for it; empty while the broker has not taken it (Redis
    # was down), which is how the sweep knows to hand it over.
    dispatched_at = models.DateTimeField(_("handed to a worker"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed by a worker"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["mailing", "pk"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["mailing", "member"], name="one_delivery_per_member"),
            models.UniqueConstraint(
                fields=["mailing", "address"],
                condition=Q(member__isnull=True) & ~Q(address=""),
                name="one_delivery_per_guest_address",
            ),
        ]
        indexes = [models.Index(fields=["status", "queued_at"], name="delivery_status_queued")]

    def __str__(self) -> str:
        return f"{self.mailing} → {self.address or _('deleted member')}"

    def is_for_guest(self) -> bool:
        """Whether this goes to a non-member invited by address."""
        return self.member_id is None and bool(self.address)
