from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import Member

from .models import QUESTION_MAX_LENGTH, Dialogue, Registration
from .services import RegistrationDetails

PUBLIC_STATUSES = [
    ("", _("Any status")),
    (Dialogue.Status.ANNOUNCED, Dialogue.Status.ANNOUNCED.label),
    (Dialogue.Status.HELD, Dialogue.Status.HELD.label),
    (Dialogue.Status.CANCELLED, Dialogue.Status.CANCELLED.label),
]


class DialogueFilterForm(forms.Form):
    """The filters on /dialogues/. Unknown values are ignored rather than failing the page."""

    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=PUBLIC_STATUSES)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("Any year"))] + [(y, str(y)) for y in years]

    def filter(self, queryset):
        """Apply the filters that are valid; an invalid one is ignored, not the others."""
        if not self.is_bound:
            return queryset
        self.is_valid()
        year, status = self.cleaned_data.get("year"), self.cleaned_data.get("status")
        if year:
            queryset = queryset.filter(starts_at__year=year)
        if status:
            queryset = queryset.filter(status=status)
        return queryset


class RegistrationForm(forms.ModelForm):
    """The one form a member fills in to register; pre-filled from their profile. Its optional
    question becomes a Question waiting for moderation, like one asked on the dialogue page."""

    question = forms.CharField(
        label=_("A question for the speakers"),
        required=False,
        max_length=QUESTION_MAX_LENGTH,
        help_text=_("Optional. The moderator may put it to the speakers."),
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": QUESTION_MAX_LENGTH}),
    )

    class Meta:
        model = Registration
        fields = [
            "organisation_name",
            "role",
            "language",
            "needs",
            "consents_to_recording",
        ]
        labels = {
            "consents_to_recording": _("I agree to being recorded (the recording is published)"),
        }
        help_texts = {
            "needs": _("For example: sign language, captions, interpretation into French."),
        }
        widgets = {
            "needs": forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
        }

    @classmethod
    def for_member(cls, member: Member, data=None) -> "RegistrationForm":
        initial = {
            "organisation_name": member.organisation.name if member.organisation else "",
            "role": member.role,
        }
        return cls(data=data, initial=initial)

    def details(self) -> RegistrationDetails:
        fields = [*self.Meta.fields, "question"]
        return RegistrationDetails(**{name: self.cleaned_data[name] for name in fields})
