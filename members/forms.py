from datetime import UTC, datetime
from functools import partial

from django import forms
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from a4ep_portal import fragments
from a4ep_portal.languages import MEMBER_LANGUAGES, sort_key

from .models import PREFERENCE_FIELDS, Member, Organisation
from .services import update_signup_profile
from .timezones import REGIONS, time_zone_choices, valid_zone

ORGANISATION_HELP = _("Pick it from the list as you type, or write its name if it is new.")


class OptionsOnceSelect(forms.Select):
    """A <select> whose options are written once per language (and `key`) and kept in the
    process; each request only marks the chosen one. The country and time-zone pickers have
    about 650 options: rendered one by one through Django's option template they were most of
    /me/'s time (docs/benchmarks.md). The markup is Django's, and the choices are not even
    computed when the options are kept."""

    MAX_KEPT = 64
    _kept: dict[tuple, str] = {}

    def __init__(self, attrs=None, choices=(), kind: str = "", key=tuple):
        super().__init__(attrs, choices)
        self.kind, self.key = kind, key
        # What else the options depend on for this form (a zone alias the list leaves out).
        self.extra_key = ""

    def _options(self) -> str:
        key = (self.kind, translation.get_language(), self.key(), self.extra_key)
        html = self._kept.get(key)
        if html is None:
            html = "".join(_option_html(value, label) for value, label in self.choices)
            if len(self._kept) >= self.MAX_KEPT:
                self._kept.clear()
            self._kept[key] = html
        return html

    def render(self, name, value, attrs=None, renderer=None):
        choices, self.choices = self.choices, []
        try:
            empty = super().render(name, value, attrs, renderer)
        finally:
            self.choices = choices
        options = self._options()
        for chosen in self.format_value(value)[:1]:
            option = format_html('<option value="{}">', chosen)
            options = options.replace(option, option[:-1] + " selected>", 1)
        head, _newline, tail = empty.rpartition("\n</select>")
        return mark_safe(f"{head}\n{options}</select>{tail}")  # noqa: S308 (escaped above)


def _option_html(value, label) -> str:
    if isinstance(label, (list, tuple)):
        inner = "".join(_option_html(v, lbl) for v, lbl in label)
        return format_html('<optgroup label="{}">\n', value) + inner + "</optgroup>\n"
    return format_html('<option value="{}">{}</option>\n', "" if value is None else value, label)


def _this_hour() -> datetime:
    """The zones' labels show their offset now ("Dhaka (UTC+06:00)"), which can change on
    the hour."""
    return datetime.now(UTC).replace(minute=0, second=0, microsecond=0)


class TimeZoneSelect(OptionsOnceSelect):
    def __init__(self, attrs=None):
        super().__init__(attrs, kind="zone", key=_this_hour)


# Members' pickers start from the zone their browser reports (static/js/portal.js).
GUESSING = {"data-guess-time-zone": ""}


class CountrySelect(OptionsOnceSelect):
    def __init__(self, attrs=None):
        super().__init__(attrs, kind="country")


class TimeZoneField(forms.ChoiceField):
    """A zone picked from the readable, grouped list; any known zone is valid (a browser may
    send an alias the list leaves out)."""

    widget = TimeZoneSelect

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Time zone"))
        super().__init__(choices=time_zone_choices, **kwargs)

    def valid_value(self, value) -> bool:
        return valid_zone(value) is not None

    def keep(self, current: str) -> None:
        """List the zone a member has even if it is an alias the list leaves out."""
        self.choices = partial(time_zone_choices, keep=current)
        # Only an alias outside the regions adds an option (and a kept set of options).
        self.widget.extra_key = "" if current.split("/", 1)[0] in REGIONS else current


def country_choices() -> list[tuple[str, str]]:
    """The countries in the page's language (django-countries translates them), sorted in
    it: without pyuca django-countries sorts by the ASCII letters alone, which leaves Arabic
    names in the order of the English ones."""
    return [("", "---------"), *sorted(countries, key=lambda country: sort_key(country.name))]


class OrganisationInput(forms.TextInput):
    """A text input with the known organisations as suggestions (<datalist>): the browser
    offers them as one types, without JavaScript; a new name is simply typed."""

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", **(attrs or {})})

    def render(self, name, value, attrs=None, renderer=None):
        list_id = f"{(attrs or {}).get('id') or name}-choices"
        html = super().render(name, value, {**(attrs or {}), "list": list_id}, renderer)
        return format_html('{}<datalist id="{}">{}</datalist>', html, list_id, _known_names())


def _known_names() -> str:
    """Every organisation's name as <option>s: the same for everyone until an organisation is
    added, renamed or removed, which bumps the content generation (dialogues/apps.py), so kept
    under it (a4ep_portal/fragments.py; read from the database when the cache does not
    answer)."""
    generation = fragments.content_generation()
    # One for every language and zone: the names are not translated.
    key = None if generation is None else f"fragment:organisation-names:{generation}"
    kept = fragments.fragment_cache().get(key) if key else None
    if kept is not None:
        return mark_safe(kept)  # noqa: S308 (escaped below when it was kept)
    names = Organisation.objects.order_by("name").values_list("name", flat=True)
    options = format_html_join("", '<option value="{}">', ((n,) for n in names))
    if key:
        fragments.fragment_cache().set(key, str(options), fragments.FRAGMENT_SECONDS)
    return options


class OrganisationField(forms.CharField):
    """Pick a known organisation or add one by typing its name."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Organisation"))
        kwargs.setdefault("help_text", ORGANISATION_HELP)
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", OrganisationInput)
        super().__init__(**kwargs)


class SignupProfileForm(forms.Form):
    """The few questions allauth's sign-up form adds: kept short on purpose."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    organisation = OrganisationField()
    country = forms.ChoiceField(
        label=_("Country"), choices=country_choices, required=False, widget=CountrySelect
    )
    time_zone = TimeZoneField(
        initial="UTC",
        help_text=_("Dialogue times are shown in this zone."),
        widget=TimeZoneSelect(GUESSING),
    )

    def signup(self, request, user) -> None:
        update_signup_profile(
            user,
            first_name=self.cleaned_data["first_name"],
            last_name=self.cleaned_data["last_name"],
            organisation_name=self.cleaned_data["organisation"],
            country=self.cleaned_data["country"],
            time_zone=self.cleaned_data["time_zone"],
            # Signing up on /fr/... : the member reads French.
            preferred_language=translation.get_language() or "",
        )


class TimeZoneChoiceForm(forms.Form):
    time_zone = TimeZoneField(widget=TimeZoneSelect(GUESSING))
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class ProfileForm(forms.ModelForm):
    """/me/: the member's own profile; the name lives on the user, the rest on Member."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    organisation_name = OrganisationField()
    time_zone = TimeZoneField(widget=TimeZoneSelect(GUESSING))
    languages_spoken = forms.MultipleChoiceField(
        label=_("Languages you speak"),
        choices=MEMBER_LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Member
        fields = [
            "country",
            "role",
            "time_zone",
            "preferred_language",
            "languages_spoken",
            "shown_as",
        ]
        widgets = {"shown_as": forms.RadioSelect, "country": CountrySelect}
        help_texts = {
            "preferred_language": _(
                "The portal speaks this language as soon as you save and each time you log "
                "in; we write to you in it where we can, else in English."
            )
        }

    field_order = ["first_name", "last_name", "organisation_name"]

    def __init__(self, *args, instance: Member, **kwargs):
        initial = {
            "first_name": instance.user.first_name,
            "last_name": instance.user.last_name,
            "organisation_name": instance.organisation.name if instance.organisation else "",
            **kwargs.pop("initial", {}),
        }
        super().__init__(*args, instance=instance, initial=initial, **kwargs)
        self.fields["time_zone"].keep(instance.time_zone)
        self.fields["country"].choices = country_choices


class MailPreferencesForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = list(PREFERENCE_FIELDS.values())


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("To make sure it is you."),
    )
