from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Dialogue

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
