"""The admin home: what needs the organiser today, above Django's list of models.

Each app adds its sections from its admin module, so that this shared core imports no app:
`register_section(order, permission, build)`, where build(request) returns a Section. A
section is shown only to a user holding its permission (e.g. "members.view_delivery"); a
section with nothing in it still shows, saying so, so that "nothing waits" is an answer.

Every build runs one query whatever the data (a few lines, then a link to the whole list),
so the page costs the same with one item or thousands (tests/test_admin_home.py pins it).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Case, F, When
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.timezone import get_current_timezone_name, localtime
from django.utils.translation import gettext as _

from .workflow import State

# How many lines a section shows before it links to the whole list.
LINES_PER_SECTION = 6


@dataclass(frozen=True)
class Link:
    text: str
    url: str


@dataclass(frozen=True)
class Line:
    """One thing to act on: a link to where one acts, and what one needs to know about it
    (who submitted it, seats taken, progress) as short phrases."""

    link: Link
    facts: tuple[str, ...] = ()
    # Other places to act on the same thing (its registrations, its deliveries).
    links: tuple[Link, ...] = ()
    # Draws the eye to a line that is urgent (full, failing, waiting long).
    alert: bool = False


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    lines: list[Line]
    empty: str
    # Where the whole list is, when there are more lines than shown (or always, if given).
    more: Link | None = None
    actions: list[Link] = field(default_factory=list)


@dataclass(frozen=True)
class _Entry:
    order: int
    permission: str
    build: Callable


_sections: dict[str, _Entry] = {}


def register_section(key: str, *, order: int, permission: str, build: Callable) -> None:
    """Add (or replace) a section of the admin home, shown to users with `permission`."""
    _sections[key] = _Entry(order, permission, build)


def sections_for(request) -> list[Section]:
    """The sections this user may see, in order."""
    user = request.user
    entries = sorted(_sections.items(), key=lambda item: (item[1].order, item[0]))
    return [entry.build(request) for _key, entry in entries if user.has_perm(entry.permission)]


def first_lines(rows: list, make_line: Callable) -> tuple[list[Line], bool]:
    """Lines of up to LINES_PER_SECTION rows (fetched as LINES_PER_SECTION + 1, to know
    whether there are more without counting them) and whether there are more."""
    return [make_line(row) for row in rows[:LINES_PER_SECTION]], len(rows) > LINES_PER_SECTION


def organiser_time(moment) -> str:
    """A time as organisers read it: in their zone (admin activates it), with the zone named."""
    return f"{date_format(localtime(moment), 'DATETIME_FORMAT')} ({get_current_timezone_name()})"


def changelist(model, **filters) -> str:
    """The admin list of a model, filtered as its list_filter spells it."""
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    return f"{url}?{urlencode(filters)}" if filters else url


def change_page(item) -> str:
    opts = item._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[item.pk])


def review_section(request, queryset, *, key: str, title: str, empty: str) -> Section:
    """Items of the publishing workflow that wait for a publisher: in review (to approve),
    then approved (to publish, or scheduled), each with who submitted it and when."""
    model = queryset.model
    rows = list(
        queryset.filter(state__in=[State.IN_REVIEW, State.APPROVED])
        .select_related("submitted_by")
        .order_by(
            Case(When(state=State.IN_REVIEW, then=0), default=1),
            F("state_changed_at").asc(nulls_first=True),
            "pk",
        )[: LINES_PER_SECTION + 1]
    )
    user = request.user

    def line(item) -> Line:
        facts = [str(item.get_state_display())]
        who = item.submitted_by
        if who is not None:
            name = who.get_full_name() or who.email
            if item.state_changed_at:
                facts.append(
                    _("submitted by %(name)s, %(when)s")
                    % {"name": name, "when": organiser_time(item.state_changed_at)}
                )
            else:
                facts.append(_("submitted by %(name)s") % {"name": name})
        if item.state == State.APPROVED and item.publish_at:
            facts.append(_("goes out %(when)s") % {"when": organiser_time(item.publish_at)})
        if item.state == State.IN_REVIEW and user.pk in (
            item.submitted_by_id,
            item.last_edited_by_id,
        ):
            facts.append(_("yours: another publisher approves it"))
        return Line(Link(str(item), change_page(item)), tuple(facts))

    lines, more = first_lines(rows, line)
    return Section(
        key=key,
        title=title,
        lines=lines,
        empty=empty,
        more=Link(_("All in review"), changelist(model, state__exact=State.IN_REVIEW))
        if more
        else None,
    )
