import functools
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


@functools.cache
def known_time_zones() -> frozenset[str]:
    """The IANA zone names; cached, since listing them reads the whole tz database (~20 ms)."""
    return frozenset(zoneinfo.available_timezones())


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(known_time_zones())]


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
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
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
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="member"
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
