import zlib
import zoneinfo
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from a4ep_portal.access import organiser_may
from a4ep_portal.languages import MEMBER_LANGUAGES as LANGUAGES
from a4ep_portal.languages import PORTAL_LANGUAGES
from dialogues import photos
from members.models import Organisation, validate_time_zone

LANGUAGE_NAMES = dict(LANGUAGES)


def validate_languages(value) -> None:
    """A list of the language codes members speak (a4ep_portal.languages), each once."""
    if not isinstance(value, list) or any(code not in LANGUAGE_NAMES for code in value):
        raise ValidationError(_("Choose languages from the list."))


def language_names(codes: list[str]) -> list[str]:
    """The names of these languages in the current language, in the list's order."""
    return [str(name) for code, name in LANGUAGES if code in codes]


# What organisers see on the site beyond the public, by the permission admin asks for it.
VIEW_DIALOGUE = "dialogues.view_dialogue"  # draft dialogues
VIEW_JOIN_LINK = "dialogues.view_join_link"  # any dialogue's join link
VIEW_SPEAKER = "dialogues.view_speaker"  # speakers of draft dialogues only
VIEW_QUESTION = "dialogues.view_question"  # registrants' approved questions


class Series(models.Model):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    campaign = models.CharField(
        _("campaign"), max_length=200, blank=True, help_text=_('For example "Local Actors Matter".')
    )

    class Meta:
        ordering = ["title"]
        verbose_name = _("series")
        verbose_name_plural = _("series")

    def __str__(self) -> str:
        return self.title


class DialogueQuerySet(models.QuerySet):
    def public(self) -> "DialogueQuerySet":
        """Dialogues anyone may see: everything but drafts."""
        return self.exclude(status=Dialogue.Status.DRAFT)

    def visible_to(self, user) -> "DialogueQuerySet":
        """Drafts too for organisers who may view dialogues in admin."""
        return self if organiser_may(user, VIEW_DIALOGUE) else self.public()

    def upcoming(self, now: datetime | None = None) -> "DialogueQuerySet":
        """Not yet over (a dialogue in progress still counts)."""
        return self.filter(ends_at__gt=now or timezone.now())

    def past(self, now: datetime | None = None) -> "DialogueQuerySet":
        return self.filter(ends_at__lte=now or timezone.now())

    def for_cards(self) -> "DialogueQuerySet":
        """The columns a dialogue card shows (a card does not show the series: joining it cost
        a model per card), and its badge's facts ("full", "recording available") in the list's
        own query. Cards come from the cache where it has them; dialogues/cards.py fetches the
        co-hosts of the others."""
        from ..cards import CARD_FIELDS

        registrations = self.model._meta.get_field("registrations").related_model
        recordings = self.model._meta.get_field("recordings").related_model
        confirmed = registrations.objects.filter(dialogue=models.OuterRef("pk"), status="confirmed")
        return self.only(*CARD_FIELDS).annotate(
            seats_taken=models.Subquery(
                confirmed.values("dialogue").annotate(n=models.Count("pk")).values("n")[:1]
            ),
            has_public_recording=models.Exists(
                recordings.objects.filter(
                    dialogue=models.OuterRef("pk"),
                    live_version__isnull=False,
                    live_version__audience="public",
                )
            ),
        )


class Dialogue(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ANNOUNCED = "announced", _("Announced")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    # Every move of a dialogue's status, checked in one place (a4ep_portal.states.change_state)
    # and made by dialogues.services.status (cancelling by cancel_dialogue, which tells the
    # registrants). The move names and their labels are in DIALOGUE_MOVES there.
    TRANSITIONS = {
        Status.DRAFT: {Status.ANNOUNCED, Status.CANCELLED},
        Status.ANNOUNCED: {Status.DRAFT, Status.HELD, Status.CANCELLED},
        Status.HELD: set(),
        Status.CANCELLED: set(),
    }

    class Format(models.TextChoices):
        ONLINE = "online", _("Online")
        IN_PERSON = "in_person", _("In person")
        HYBRID = "hybrid", _("Hybrid")

    class RegistrationState(models.TextChoices):
        NOT_YET_OPEN = "not_yet_open", _("Not yet open")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        STARTED = "started", _("Started")
        CANCELLED = "cancelled", _("Cancelled")
        NOT_ANNOUNCED = "not_announced", _("Not announced")
        PROVISIONAL = "provisional", _("Not open until the date is set")

    class DatePrecision(models.TextChoices):
        EXACT = "exact", _("Exact time")
        DAY = "day", _("Day only, time to follow")
        MONTH = "month", _("Month only, details to follow")

    series = models.ForeignKey(
        Series, on_delete=models.PROTECT, related_name="dialogues", verbose_name=_("series")
    )
    number = models.PositiveSmallIntegerField(_("number in the series"))
    title = models.CharField(_("title"), max_length=200)
    question = models.CharField(_("theme question"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    starts_at = models.DateTimeField(
        _("starts at"),
        db_index=True,
        help_text=_("In the dialogue's time zone, next to it. Stored in UTC."),
    )
    # A provisional dialogue is announced with its month or day only: starts_at then holds the
    # start of that month or day in the dialogue's zone (so it sorts and files under it, and
    # the code that reads starts_at needs no second field) and ends_at its end (so it stays
    # "upcoming" through that month). Calendars, registration and reminders wait for EXACT.
    date_precision = models.CharField(
        _("date known"),
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.EXACT,
        help_text=_(
            "Month or day only: the page says the details follow, there is no registration or "
            "calendar yet, and people can ask to be told. Choosing the exact time mails them."
        ),
    )
    # Organisers enter and read the dialogue's times in this zone; members see their own.
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text=_("The zone its start and registration times are entered in."),
    )
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"),
        default=90,
        validators=[MinValueValidator(15), MaxValueValidator(600)],
    )
    # Kept in step with starts_at + duration by save(), so "upcoming" is one indexed filter.
    ends_at = models.DateTimeField(_("ends at"), editable=False, db_index=True)
    format = models.CharField(
        _("format"), max_length=20, choices=Format.choices, default=Format.ONLINE
    )
    venue = models.CharField(
        _("venue or platform"), max_length=200, blank=True, help_text=_('For example "Zoom".')
    )
    join_url = models.URLField(
        _("join link"),
        max_length=500,
        blank=True,
        help_text=_("Secret: shown only to confirmed registrants and organisers."),
    )
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Empty means no limit.")
    )
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    requires_approval = models.BooleanField(
        _("organisers approve each registration"),
        default=False,
        help_text=_(
            "Registrants wait, without the join link, until an organiser approves or declines "
            "them under Registrations; approved ones take seats in order of approval."
        ),
    )
    audience = models.TextField(
        _("audience"),
        blank=True,
        help_text=_('For example "Actors from Global South, Regional and Country networks".'),
    )
    co_hosts = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="co_hosted_dialogues",
        verbose_name=_("co-hosts"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    # Channels of simultaneous interpretation (language codes); registrants ask for the ones
    # they need, so that organisers can book interpreters.
    interpretation_languages = models.JSONField(
        _("interpretation into"),
        default=list,
        blank=True,
        validators=[validate_languages],
        help_text=_(
            "Languages interpreters will speak on channels of their own. Registrants choose "
            "the ones they need when they register."
        ),
    )
    breakout_threshold = models.PositiveIntegerField(
        _("breakout groups above"),
        null=True,
        blank=True,
        help_text=_(
            "Breakout groups open once more than this many registrants are confirmed. "
            "Empty means they are open as soon as there are groups."
        ),
    )
    # When the registrants' personal details of this past dialogue were forgotten
    # (REGISTRATION_RETENTION_DAYS after it ended); empty until then.
    details_forgotten_at = models.DateTimeField(
        _("registrants' details forgotten"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = DialogueQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("dialogue")
        verbose_name_plural = _("dialogues")
        constraints = [
            models.UniqueConstraint(fields=["series", "number"], name="dialogue_number_in_series"),
        ]
        # Admin's view_dialogue shows the rest of a dialogue; its join link is a secret of its
        # own (a4ep_portal.access.organiser_may), shown on the site and in admin only with this.
        permissions = [("view_join_link", "Can see the join links of dialogues")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    def save(self, *args, **kwargs) -> None:
        if self.is_provisional():
            self.starts_at, self.ends_at = self.provisional_period()
        else:
            self.ends_at = self.starts_at + timedelta(minutes=self.duration_minutes)
        update_fields = kwargs.get("update_fields")
        timing = {"starts_at", "duration_minutes", "date_precision"}
        if update_fields is not None and timing & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "starts_at", "ends_at"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("dialogues:detail", kwargs={"slug": self.slug})

    # Every card shows these two. Django's get_FOO_display rebuilds a dict of the field's
    # choices on each call, which cost more than the rest of the card's meta line.
    def get_format_display(self) -> str:
        return str(self.Format(self.format).label) if self.format in self.Format else self.format

    def get_status_display(self) -> str:
        return str(self.Status(self.status).label) if self.status in self.Status else self.status

    def clean(self) -> None:
        opens, closes = self.registration_opens_at, self.registration_closes_at
        if opens and closes and closes <= opens:
            raise ValidationError(
                {"registration_closes_at": _("Registration must close after it opens.")}
            )
        if self.starts_at and closes and closes > self.starts_at and not self.is_provisional():
            raise ValidationError(
                {"registration_closes_at": _("Registration must close before the dialogue starts.")}
            )

    def is_public(self) -> bool:
        return self.status != self.Status.DRAFT

    def card_badge(self) -> tuple[str, str]:
        """The one state a card shows as a badge, as (key, label). Seats and recordings come
        from the annotations of DialogueQuerySet.for_cards(); without them neither shows."""
        if self.status == self.Status.CANCELLED:
            return "cancelled", pgettext_lazy("dialogue status", "Cancelled")
        if getattr(self, "has_public_recording", False):
            return "recording", pgettext_lazy("dialogue status", "Recording available")
        if self.status == self.Status.HELD or self.is_over():
            return "held", pgettext_lazy("dialogue status", "Held")
        taken = getattr(self, "seats_taken", None)
        if self.capacity is not None and taken is not None and taken >= self.capacity:
            return "full", pgettext_lazy("dialogue status", "Full")
        return "upcoming", pgettext_lazy("dialogue status", "Upcoming")

    def is_over(self, now: datetime | None = None) -> bool:
        return self.ends_at <= (now or timezone.now())

    def is_provisional(self) -> bool:
        """Announced with its month or day only: no exact start yet."""
        return self.date_precision != self.DatePrecision.EXACT

    def provisional_day(self):
        """The (first) day of a provisional dialogue, in its own zone."""
        return self.provisional_period()[0].date()

    def provisional_text(self) -> str:
        """ "October 2020, details to follow" or "12 October 2020, time to follow", in the
        active language; the day is the dialogue's own (no time to convert yet)."""
        day = self.provisional_day()
        if self.date_precision == self.DatePrecision.MONTH:
            text = gettext("%(month)s, details to follow") % {
                "month": date_format(day, "YEAR_MONTH_FORMAT")
            }
        else:
            text = gettext("%(day)s, time to follow") % {"day": date_format(day, "DATE_FORMAT")}
        return capfirst(text)  # "Octobre 2020, ..." opens a line

    def provisional_iso(self) -> str:
        """The month (2020-10) or day (2020-10-12): ISO 8601 and a <time datetime> value."""
        day = self.provisional_day()
        if self.date_precision == self.DatePrecision.MONTH:
            return day.strftime("%Y-%m")
        return day.isoformat()

    def provisional_period(self) -> tuple[datetime, datetime]:
        """The start and end of the day or month that starts_at falls in, in the dialogue's
        zone."""
        try:
            zone = zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            zone = zoneinfo.ZoneInfo("UTC")
        local = self.starts_at.astimezone(zone)
        if self.date_precision == self.DatePrecision.MONTH:
            start = datetime(local.year, local.month, 1, tzinfo=zone)
            month_end = (start + timedelta(days=32)).replace(day=1)
            return start, datetime(month_end.year, month_end.month, 1, tzinfo=zone)
        start = datetime(local.year, local.month, local.day, tzinfo=zone)
        following = start.date() + timedelta(days=1)
        return start, datetime(following.year, following.month, following.day, tzinfo=zone)

    def registration_state(self, now: datetime | None = None) -> "Dialogue.RegistrationState":
        now = now or timezone.now()
        state = self.RegistrationState
        if self.status == self.Status.CANCELLED:
            return state.CANCELLED
        if self.status != self.Status.ANNOUNCED:
            return state.NOT_ANNOUNCED
        if self.is_provisional():
            return state.PROVISIONAL
        if now >= self.starts_at:
            return state.STARTED
        if self.registration_opens_at and now < self.registration_opens_at:
            return state.NOT_YET_OPEN
        if self.registration_closes_at and now >= self.registration_closes_at:
            return state.CLOSED
        return state.OPEN

    def interpretation_languages_in_order(self) -> list[str]:
        """The codes of interpretation_languages, in the order of the language list."""
        return [code for code, _name in LANGUAGES if code in self.interpretation_languages]

    def interpretation_names(self) -> list[str]:
        return language_names(self.interpretation_languages)

    def agenda(self) -> list["AgendaItem"]:
        """The agenda with clock times, from the (prefetched) sessions in order."""
        items, clock = [], self.starts_at
        for session in self.sessions.all():
            ends = clock + timedelta(minutes=session.duration_minutes)
            items.append(AgendaItem(session, clock, ends))
            clock = ends
        return items


class AgendaItem:
    """A session with its computed clock times; built by Dialogue.agenda()."""

    def __init__(self, session: "Session", starts_at: datetime, ends_at: datetime) -> None:
        self.session = session
        self.starts_at = starts_at
        self.ends_at = ends_at


def _file_name(value) -> str:
    return getattr(value, "name", value) or ""


class Speaker(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    title = models.CharField(
        _("title or position"), max_length=200, blank=True, help_text=_("For example: Director.")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="speakers",
        verbose_name=_("organisation"),
    )
    country = CountryField(_("country"), blank=True)
    bio = models.TextField(_("short bio"), max_length=1500, blank=True)
    photo = models.ImageField(
        _("photo"),
        upload_to="speakers/",
        blank=True,
        width_field="photo_width",
        height_field="photo_height",
    )
    photo_width = models.PositiveIntegerField(
        _("photo width"), null=True, blank=True, editable=False
    )
    photo_height = models.PositiveIntegerField(
        _("photo height"), null=True, blank=True, editable=False
    )
    # Who added the speaker in admin: a co-host sees the speakers of their dialogues and the
    # ones they added, not yet given a part.
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("added by"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The photo's stored name, read without touching a deferred field (that would query).
        self._stored_photo = _file_name(self.__dict__.get("photo"))

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        if self.photo and self.photo.name != self._stored_photo:
            photos.make_variants(self.photo)
        self._stored_photo = _file_name(self.__dict__.get("photo"))

    def get_absolute_url(self) -> str:
        return reverse("dialogues:speaker", kwargs={"slug": self.slug})

    @property
    def initials(self) -> str:
        """Up to two letters for the circle shown where there is no photo."""
        words = [word for word in self.name.split() if word[:1].isalpha()]
        if not words:
            return self.name[:1].upper()
        return (words[0][0] + (words[-1][0] if len(words) > 1 else "")).upper()

    @property
    def avatar_colour(self) -> int:
        """One of the stylesheet's eight circle colours (.avatar-0 to .avatar-7), the same
        for a name on every page and every machine."""
        return zlib.crc32(self.name.encode()) % 8

    def photo_sources(self) -> dict:
        """The srcsets of the photo's square variants (dialogues.photos), for <picture>."""
        name = self.photo.name
        return {
            "webp": photos.srcset(name, "webp"),
            "jpg": photos.srcset(name, "jpg"),
            "fallback": photos.variant_url(name, 64, "jpg"),
            "large_fallback": photos.variant_url(name, 256, "jpg"),
        }


class Session(models.Model):
    """One item of a dialogue's agenda; clock times follow from the order and durations."""

    class Kind(models.TextChoices):
        OPENING = "opening", _("Opening")
        PANEL = "panel", _("Panel")
        PRESENTATION = "presentation", _("Presentation")
        BREAKOUT = "breakout", _("Breakout groups")
        QA = "qa", _("Questions and answers")
        CLOSING = "closing", _("Closing")

    dialogue = models.ForeignKey(
        Dialogue, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("dialogue")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(1), MaxValueValidator(600)]
    )

    class Meta:
        ordering = ["dialogue", "order", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda")

    def __str__(self) -> str:
        return self.title


class DialogueSpeaker(models.Model):
    """A speaker's part in a dialogue, optionally in one agenda item."""

    class Role(models.TextChoices):
        MODERATOR = "moderator", _("Moderator")
        PANELLIST = "panellist", _("Panellist")
        RESPONDENT = "respondent", _("Respondent")
        FACILITATOR = "facilitator", _("Facilitator")

    dialogue = models.ForeignKey(
        Dialogue, on_delete=models.CASCADE, related_name="speaker_roles", verbose_name=_("dialogue")
    )
    speaker = models.ForeignKey(
        Speaker, on_delete=models.CASCADE, related_name="roles", verbose_name=_("speaker")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    session = models.ForeignKey(
        Session,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="speaker_roles",
        verbose_name=_("agenda item"),
        help_text=_("Leave empty for a part in the whole dialogue."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        constraints = [
            models.UniqueConstraint(
                fields=["dialogue", "speaker", "role", "session"], name="one_role_per_speaker"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.speaker} ({self.get_role_display()})"

    def clean(self) -> None:
        if self.session_id and self.dialogue_id and self.session.dialogue_id != self.dialogue_id:
            raise ValidationError({"session": _("Pick an agenda item of this dialogue.")})


class RegistrationQuerySet(models.QuerySet):
    def active(self) -> "RegistrationQuerySet":
        return self.filter(
            status__in=[Registration.Status.CONFIRMED, Registration.Status.WAITLISTED]
        )

    def confirmed(self) -> "RegistrationQuerySet":
        return self.filter(status=Registration.Status.CONFIRMED)

    def waitlisted(self) -> "RegistrationQuerySet":
        return self.filter(status=Registration.Status.WAITLISTED)

    def pending(self) -> "RegistrationQuerySet":
        return self.filter(status=Registration.Status.PENDING)

    def with_waitlist_position(self) -> "RegistrationQuerySet":
        """Annotate waitlist_ahead: how many wait before each row, in the same query."""
        ahead = (
            Registration.objects.filter(
                dialogue=models.OuterRef("dialogue"),
                status=Registration.Status.WAITLISTED,
                waitlist_number__lt=models.OuterRef("waitlist_number"),
            )
            .order_by()
            .values("dialogue")
            .annotate(count=models.Count("pk"))
            .values("count")
        )
        return self.annotate(
            waitlist_ahead=Coalesce(models.Subquery(ahead), 0, output_field=models.IntegerField())
        )


class Registration(models.Model):
    """A member's place at a dialogue: waiting for an organiser's approval (dialogues that
    require it), confirmed, on the waiting list, declined or cancelled.

    Written only by dialogues.services, which lock the dialogue row so that capacity holds.
    """

    # Set by register_member on the registration it returns when the member was registered
    # already (not stored).
    was_already_registered = False

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waiting list")
        DECLINED = "declined", pgettext_lazy("registration", "Declined")
        CANCELLED = "cancelled", pgettext_lazy("registration", "Cancelled")

    # Every move of a registration, checked in one place (a4ep_portal.states.change_state);
    # None: the states a new registration starts in. Registering again after cancelling reuses
    # the row; a declined registrant stays declined.
    TRANSITIONS = {
        None: {Status.PENDING, Status.CONFIRMED, Status.WAITLISTED},
        Status.PENDING: {Status.CONFIRMED, Status.WAITLISTED, Status.DECLINED, Status.CANCELLED},
        Status.CONFIRMED: {Status.CANCELLED},
        Status.WAITLISTED: {Status.CONFIRMED, Status.CANCELLED},
        Status.DECLINED: set(),
        Status.CANCELLED: {Status.PENDING, Status.CONFIRMED, Status.WAITLISTED},
    }

    dialogue = models.ForeignKey(
        Dialogue, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("dialogue")
    )
    # Kept (member emptied) when an account is deleted, so that counts stay true.
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name=_("member"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, db_index=True)
    # Order on the waiting list: taken from a per-dialogue counter under the dialogue's lock.
    waitlist_number = models.PositiveIntegerField(_("waiting-list number"), null=True, blank=True)
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=200, blank=True)
    language = models.CharField(
        _("language you will follow in"),
        max_length=8,
        choices=PORTAL_LANGUAGES,
        default="en",
    )
    needs = models.TextField(
        _("accessibility or interpretation needs"), max_length=1000, blank=True
    )
    # Of the dialogue's interpretation_languages, those this registrant will listen to.
    interpretation = models.JSONField(
        _("interpretation asked for"), default=list, blank=True, validators=[validate_languages]
    )
    consents_to_recording = models.BooleanField(_("agrees to being recorded"), default=False)
    # The co-hosts this registrant agreed to share their name, e-mail, organisation and role
    # with; only those see the registration in admin. Empty unless the member ticked them.
    shares_details_with = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="+",
        verbose_name=_("shares their details with"),
    )
    breakout_group = models.ForeignKey(
        "dialogues.BreakoutGroup",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name=_("breakout group"),
    )
    attended = models.BooleanField(_("attended"), default=False)
    registered_at = models.DateTimeField(_("registered"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    # When an organiser approved or declined it (dialogues that require approval).
    decided_at = models.DateTimeField(_("approved or declined"), null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["dialogue", "registered_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["dialogue", "member"], name="one_registration_per_member"
            ),
            models.UniqueConstraint(
                fields=["dialogue", "waitlist_number"], name="unique_waitlist_number"
            ),
        ]
        indexes = [models.Index(fields=["dialogue", "status", "waitlist_number"])]

    def __str__(self) -> str:
        return f"{self.member or _('deleted member')} · {self.dialogue}"

    def audit_repr(self) -> str:
        """How the audit log names it: by number and its dialogue's slug (which registering
        has loaded already), never by the member (see docs/organising.md)."""
        return f"#{self.pk} · {self.dialogue.slug}"

    def is_confirmed(self) -> bool:
        return self.status == self.Status.CONFIRMED

    def interpretation_names(self) -> list[str]:
        return language_names(self.interpretation)

    def is_waitlisted(self) -> bool:
        return self.status == self.Status.WAITLISTED

    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    def waitlist_position(self) -> int | None:
        """1 for the first person on the waiting list; None when not on it.

        Uses the with_waitlist_position() annotation when present, else one query."""
        if not self.is_waitlisted():
            return None
        if hasattr(self, "waitlist_ahead"):
            return self.waitlist_ahead + 1
        ahead = Registration.objects.filter(
            dialogue_id=self.dialogue_id,
            status=self.Status.WAITLISTED,
            waitlist_number__lt=self.waitlist_number,
        ).count()
        return ahead + 1
