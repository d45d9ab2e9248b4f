from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import Member

from .models import QUESTION_MAX_LENGTH, Dialogue, Feedback, Registration, TopicProposal
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
        help_text=_("The moderator may put it to the speakers."),
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
            "needs": _(
                "For example: sign language, captions, or interpretation into a language the "
                "dialogue does not offer."
            ),
        }
        widgets = {
            "needs": forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
        }

    interpretation = forms.MultipleChoiceField(
        label=_("Interpretation you need"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Interpreters speak these languages on channels of their own. Tick the ones you "
            "will listen to, so that the organisers book enough interpreters."
        ),
    )

    field_order = ["organisation_name", "role", "language", "interpretation"]

    def __init__(self, *args, dialogue: Dialogue, co_hosts=(), **kwargs):
        super().__init__(*args, **kwargs)
        offered = dialogue.interpretation_names()
        if offered:
            self.fields["interpretation"].choices = list(
                zip(dialogue.interpretation_languages_in_order(), offered, strict=True)
            )
        else:
            del self.fields["interpretation"]  # nothing offered: nothing to ask
        # One box per co-host, none ticked: nothing is shared unless the member says so.
        if co_hosts:
            self.fields["shares_details_with"] = forms.TypedMultipleChoiceField(
                label=_("Share my details with the co-hosts I tick"),
                choices=[(organisation.pk, organisation.name) for organisation in co_hosts],
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                help_text=_(
                    "The organisations you tick see your name, e-mail address, "
                    "organisation and role, and may write to you about this dialogue. Nothing "
                    "is shared unless you tick a box; you can stop sharing at any time under "
                    "Your dialogues."
                ),
            )

    @classmethod
    def for_member(
        cls, member: Member, dialogue: Dialogue, data=None, co_hosts=()
    ) -> "RegistrationForm":
        if data is not None:
            # A submitted form shows no initial values (and costs no query).
            return cls(data=data, dialogue=dialogue, co_hosts=co_hosts)
        initial = {
            "organisation_name": member.organisation.name if member.organisation else "",
            "role": member.role,
        }
        return cls(data=data, initial=initial, dialogue=dialogue, co_hosts=co_hosts)

    def details(self) -> RegistrationDetails:
        fields = [*self.Meta.fields, "question"]
        values = {name: self.cleaned_data[name] for name in fields}
        values["interpretation"] = tuple(self.cleaned_data.get("interpretation", ()))
        values["shares_details_with"] = tuple(self.cleaned_data.get("shares_details_with", ()))
        return RegistrationDetails(**values)


class QuestionForm(forms.Form):
    """A question for the dialogue, optionally for one speaker or one agenda item. The choices
    come from the (already loaded) agenda and speakers, so showing the form costs no query."""

    text = forms.CharField(
        label=_("Your question"),
        max_length=QUESTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": QUESTION_MAX_LENGTH}),
        help_text=_("Plain text. The organisers read every question before it is shown."),
    )
    about = forms.ChoiceField(label=_("For"), required=False)

    def __init__(self, *args, speakers=(), sessions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.speakers = {str(s.pk): s for s in speakers}
        self.sessions = {str(s.pk): s for s in sessions}
        self.fields["about"].choices = [
            ("", _("Anyone on the panel")),
            (_("A speaker"), [(f"speaker-{k}", s.name) for k, s in self.speakers.items()]),
            (_("An agenda item"), [(f"session-{k}", s.title) for k, s in self.sessions.items()]),
        ]

    def target(self) -> dict:
        """speaker= and session= for ask_question."""
        kind, _sep, key = self.cleaned_data.get("about", "").partition("-")
        return {
            "speaker": self.speakers.get(key) if kind == "speaker" else None,
            "session": self.sessions.get(key) if kind == "session" else None,
        }


class BreakoutChoiceForm(forms.Form):
    group = forms.TypedChoiceField(
        label=_("Breakout group"), coerce=int, widget=forms.RadioSelect, empty_value=None
    )

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = {g.pk: g for g in groups}
        self.fields["group"].choices = [(g.pk, str(g)) for g in groups]

    def chosen(self):
        return self.groups[self.cleaned_data["group"]]


class TopicProposalForm(forms.ModelForm):
    class Meta:
        model = TopicProposal
        fields = ["title", "why", "region"]
        help_texts = {
            "title": _("For example: Who funds local leadership?"),
            "why": _(
                "A few sentences: what local actors face, and what the dialogue could change."
            ),
        }
        widgets = {"why": forms.Textarea(attrs={"rows": 4, "maxlength": 2000})}


class FeedbackForm(forms.ModelForm):
    rating = forms.TypedChoiceField(
        label=_("Overall, how was the dialogue? (1 = poor, 5 = excellent)"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    useful = forms.ChoiceField(
        label=_("Was it useful to you?"), choices=Feedback.Useful.choices, widget=forms.RadioSelect
    )

    class Meta:
        model = Feedback
        fields = ["rating", "useful", "change", "may_quote"]
        labels = {
            "change": _("What should change next time?"),
            "may_quote": _("You may quote my feedback (with how I appear to other participants)"),
        }
        widgets = {
            "change": forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
        }


class AttendanceReportForm(forms.Form):
    """The meeting's participant report, uploaded in the dialogue's admin."""

    report = forms.FileField(
        label=_("Participant report (CSV)"),
        help_text=_(
            "In Zoom: Reports, Usage, the meeting's participants, Export (with or without "
            "the meeting data)."
        ),
    )
    minimum_minutes = forms.IntegerField(
        label=_("Minimum minutes"),
        min_value=0,
        max_value=600,
        initial=15,
        help_text=_("People who stayed a shorter time in all are not counted as attendees."),
    )


class DateAlertForm(forms.Form):
    """A visitor's address, to be told a provisional dialogue's date."""

    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        help_text=_("We mail you a link to confirm it; nothing else until the date is set."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
