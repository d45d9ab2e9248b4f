from django import forms
from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import F, Q
from django.db.models.functions import Coalesce, ExtractYear
from django.utils.translation import gettext_lazy as _
from modeltranslation.manager import get_translatable_fields_for_model
from modeltranslation.utils import build_localized_fieldname

from a4ep_portal import fragments
from a4ep_portal.languages import PAPER_LANGUAGES
from dialogues.models import Dialogue

from .models import Paper
from .search import SEARCH_CONFIG, SEARCHED


def with_year(queryset):
    """The year an item belongs to: its dialogue's, else the year it was first published."""
    return queryset.annotate(
        year=Coalesce(ExtractYear("dialogue__starts_at"), ExtractYear("first_published_at"))
    )


def search(queryset, text: str, fields: list[str]):
    """Items whose published text matches: PostgreSQL full-text search ranked by relevance,
    or on other databases every word somewhere in the fields (case-insensitive)."""
    # A title or abstract counts in every language it is written in, so a visitor finds an
    # item by its French title on any page.
    version_model = queryset.model._meta.get_field("live_version").related_model
    translated = set(get_translatable_fields_for_model(version_model) or [])
    groups = [
        [
            f"live_version__{build_localized_fieldname(name, code)}"
            for code, _name in settings.LANGUAGES
        ]
        if name in translated
        else [f"live_version__{name}"]
        for name in fields
    ]
    columns = [column for group in groups for column in group]
    stored = tuple(name for name, _translated in SEARCHED.get(version_model._meta.db_table, ()))
    if connection.vendor == "postgresql" and stored == tuple(fields):
        # The vector kept with each version (papers/search.py), read through its GIN index.
        query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
        return (
            queryset.annotate(rank=SearchRank(F("live_version__search_vector"), query))
            .filter(live_version__search_vector=query)
            .order_by("-rank", "-first_published_at", "-pk")
        )
    if connection.vendor == "postgresql":
        weights = ["A", "B", "C", "D"]
        vector = None
        for group, weight in zip(groups, weights, strict=False):
            part = SearchVector(*group, weight=weight, config=SEARCH_CONFIG)
            vector = part if vector is None else vector + part
        query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
        return (
            queryset.annotate(search=vector, rank=SearchRank(vector, query))
            .filter(search=query)
            .order_by("-rank", "-first_published_at", "-pk")
        )
    for word in text.split()[:10]:
        matches = Q()
        for column in columns:
            matches |= Q(**{f"{column}__icontains": word})
        queryset = queryset.filter(matches)
    return queryset


def languages_and_years(items) -> tuple[list[str], list[int]]:
    """The languages and the years present among these items, newest year first: two DISTINCT
    scans of the whole archive, the same for everyone shown the same items until something is
    published or a dialogue moves, so they are kept under the content generation
    (a4ep_portal/fragments.py), which a publication bumps. The items' own query is part of the
    key: whoever may see registrant-only items gets their own choices."""
    items = items.order_by()  # the model's ordering would join the DISTINCT: every item back
    try:
        query = str(items.query)
    except EmptyResultSet:
        query = None
    generation = fragments.content_generation()
    key = (
        None
        if generation is None or query is None
        else fragments.fragment_key(generation, "archive-choices", items.model._meta.label, query)
    )
    kept = fragments.fragment_cache().get(key) if key else None
    if kept is not None:
        return kept
    languages = sorted(set(items.values_list("live_version__language", flat=True).distinct()))
    years = [
        year
        for year in with_year(items)
        .values_list("year", flat=True)
        .distinct()
        .order_by(F("year").desc(nulls_last=True))
        if year
    ]
    if key:
        fragments.fragment_cache().set(key, (languages, years), fragments.FRAGMENT_SECONDS)
    return languages, years


class ArchiveFilterForm(forms.Form):
    """The filters and search of /papers/ and /recordings/; unknown values are ignored."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    # Offered once a year is chosen (year, then dialogue): a choice per dialogue of the whole
    # archive was 1,000 options and 89 KB on every page of the list.
    dialogue = forms.TypedChoiceField(
        label=_("Dialogue"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, items, search_fields: list[str], **kwargs):
        """items: the published items the choices come from (two small queries, none while
        they are kept; a third for the dialogues once a year or a dialogue is chosen)."""
        super().__init__(*args, **kwargs)
        self.search_fields = search_fields
        dialogues = self._dialogues(items)
        if dialogues is None:
            del self.fields["dialogue"]
        else:
            self.fields["dialogue"].choices = [("", _("Any dialogue"))] + [
                (d.pk, f"{d.number}. {d.title}") for d in dialogues.only("pk", "number", "title")
            ]
        if items.model is Paper:
            self.fields["kind"].choices = [("", _("Any kind")), *Paper.Kind.choices]
        else:
            del self.fields["kind"]
        present, years = languages_and_years(items)
        self.fields["language"].choices = [("", _("Any language"))] + [
            (code, name) for code, name in PAPER_LANGUAGES if code in present
        ]
        self.fields["year"].choices = [("", _("Any year"))] + [(y, str(y)) for y in years]

    def _dialogues(self, items):
        """The dialogues to choose from: those of the chosen year, or the one asked for by a
        link (?dialogue=); None when neither is given."""
        year, dialogue = self._number("year"), self._number("dialogue")
        if year is None and dialogue is None:
            return None
        if year is not None:
            items = with_year(items.order_by()).filter(year=year)
        dialogues = Dialogue.objects.filter(pk__in=items.values("dialogue_id"))
        if year is None:
            dialogues = dialogues.filter(pk=dialogue)
        return dialogues.order_by("starts_at", "pk")

    def _number(self, name: str) -> int | None:
        try:
            return int(self.data.get(name) or "")
        except ValueError:
            return None

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data.get("dialogue"):
            queryset = queryset.filter(dialogue_id=data["dialogue"])
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
        if data["language"]:
            queryset = queryset.filter(live_version__language=data["language"])
        if data["year"]:
            queryset = with_year(queryset).filter(year=data["year"])
        if data["q"].strip():
            queryset = search(queryset, data["q"].strip(), self.search_fields)
        return queryset
