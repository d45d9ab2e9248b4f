from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField

from .models import time_zone_choices
from .services import update_signup_profile


class TimeZoneField(forms.ChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Time zone"))
        super().__init__(choices=time_zone_choices, **kwargs)


class SignupProfileForm(forms.Form):
    """The few questions allauth's sign-up form adds: kept short on purpose."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    country = LazyTypedChoiceField(
        label=_("Country"), choices=[("", "---------"), *countries], required=False
    )
    time_zone = TimeZoneField(
        initial="UTC",
        help_text=_("Dialogue times are shown in this zone."),
        widget=forms.Select(attrs={"data-guess-time-zone": ""}),
    )

    def signup(self, request, user) -> None:
        update_signup_profile(
            user,
            first_name=self.cleaned_data["first_name"],
            last_name=self.cleaned_data["last_name"],
            country=self.cleaned_data["country"],
            time_zone=self.cleaned_data["time_zone"],
        )


class TimeZoneChoiceForm(forms.Form):
    time_zone = TimeZoneField(widget=forms.Select(attrs={"data-guess-time-zone": ""}))
    next = forms.CharField(required=False, widget=forms.HiddenInput)
