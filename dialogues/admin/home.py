"""The dialogues' sections of the admin home (a4ep_portal/admin_home.py): the coming
dialogues with their seats, registrations to approve and questions to moderate."""

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from a4ep_portal.admin_home import (
    LINES_PER_SECTION,
    Line,
    Link,
    Section,
    change_page,
    changelist,
    first_lines,
    organiser_time,
    register_section,
)

from ..models import Dialogue, Question, Registration

CONFIRMED = Registration.Status.CONFIRMED
WAITLISTED = Registration.Status.WAITLISTED
PENDING = Registration.Status.PENDING


def _seats(dialogue: Dialogue) -> str:
    if dialogue.capacity is None:
        return ngettext(
            "%(taken)s registered, no seat limit",
            "%(taken)s registered, no seat limit",
            dialogue.taken,
        ) % {"taken": dialogue.taken}
    return ngettext(
        "%(taken)s of %(capacity)s seat taken",
        "%(taken)s of %(capacity)s seats taken",
        dialogue.capacity,
    ) % {"taken": dialogue.taken, "capacity": dialogue.capacity}


def _when(dialogue: Dialogue) -> str:
    """Its start as organisers read it, or "February 2027, details to follow" while only its
    month or day is known (its start is then a placeholder, not a time to show)."""
    if dialogue.is_provisional():
        return dialogue.provisional_text()
    return organiser_time(dialogue.starts_at)


def _dialogue_line(dialogue: Dialogue, user) -> Line:
    facts = [_when(dialogue), _seats(dialogue)]
    if dialogue.waiting:
        facts.append(
            ngettext("%(n)s waiting", "%(n)s waiting", dialogue.waiting) % {"n": dialogue.waiting}
        )
    if dialogue.pending:
        facts.append(
            ngettext("%(n)s to approve", "%(n)s to approve", dialogue.pending)
            % {"n": dialogue.pending}
        )
    if dialogue.status == Dialogue.Status.DRAFT:
        facts.append(_("draft: not on the site yet"))
    full = dialogue.capacity is not None and dialogue.taken >= dialogue.capacity
    if full:
        facts.append(_("full"))
    links = ()
    if user.has_perm("dialogues.view_registration"):
        links = (
            Link(_("Registrations"), changelist(Registration, dialogue__id__exact=dialogue.pk)),
        )
    return Line(Link(str(dialogue), change_page(dialogue)), tuple(facts), links, alert=full)


def upcoming_dialogues(request) -> Section:
    registrations = {
        "taken": Count("registrations", filter=Q(registrations__status=CONFIRMED)),
        "waiting": Count("registrations", filter=Q(registrations__status=WAITLISTED)),
        "pending": Count("registrations", filter=Q(registrations__status=PENDING)),
    }
    rows = list(
        Dialogue.objects.upcoming()
        .exclude(status=Dialogue.Status.CANCELLED)
        .annotate(**registrations)
        .order_by("starts_at", "pk")[: LINES_PER_SECTION + 1]
    )
    lines, more = first_lines(rows, lambda d: _dialogue_line(d, request.user))
    return Section(
        key="upcoming",
        title=_("Coming dialogues"),
        lines=lines,
        empty=_("No dialogue is coming: add one."),
        more=Link(_("All dialogues"), changelist(Dialogue)) if more else None,
    )


def _waiting_by_dialogue(relation: str, status: str):
    """Dialogues not yet over with something in `relation` of that status, soonest first,
    with how many (once a dialogue is over, its waiting registrations and questions are moot)."""
    waiting = Count(relation, filter=Q(**{f"{relation}__status": status}))
    return list(
        Dialogue.objects.upcoming()
        .annotate(waiting=waiting)
        .filter(waiting__gt=0)
        .order_by("starts_at", "pk")[: LINES_PER_SECTION + 1]
    )


def pending_registrations(request) -> Section:
    def line(dialogue: Dialogue) -> Line:
        text = ngettext(
            "%(n)s registration to approve for “%(dialogue)s”",
            "%(n)s registrations to approve for “%(dialogue)s”",
            dialogue.waiting,
        ) % {"n": dialogue.waiting, "dialogue": dialogue}
        url = changelist(Registration, dialogue__id__exact=dialogue.pk, status__exact=PENDING)
        return Line(Link(text, url), (_when(dialogue),))

    lines, more = first_lines(_waiting_by_dialogue("registrations", PENDING), line)
    return Section(
        key="registrations",
        title=_("Registrations waiting for approval"),
        lines=lines,
        empty=_("No registration waits for approval."),
        more=Link(_("All of them"), changelist(Registration, status__exact=PENDING))
        if more
        else None,
    )


def pending_questions(request) -> Section:
    def line(dialogue: Dialogue) -> Line:
        text = ngettext(
            "%(n)s question to moderate for “%(dialogue)s”",
            "%(n)s questions to moderate for “%(dialogue)s”",
            dialogue.waiting,
        ) % {"n": dialogue.waiting, "dialogue": dialogue}
        url = changelist(
            Question, dialogue__id__exact=dialogue.pk, status__exact=Question.Status.PENDING
        )
        return Line(Link(text, url), (_when(dialogue),))

    rows = _waiting_by_dialogue("questions", Question.Status.PENDING)
    lines, more = first_lines(rows, line)
    return Section(
        key="questions",
        title=_("Questions waiting for moderation"),
        lines=lines,
        empty=_("No question waits for moderation."),
        more=Link(_("All of them"), changelist(Question, status__exact=Question.Status.PENDING))
        if more
        else None,
    )


register_section(
    "upcoming", order=10, permission="dialogues.view_dialogue", build=upcoming_dialogues
)
register_section(
    "registrations",
    order=40,
    permission="dialogues.change_registration",
    build=pending_registrations,
)
register_section(
    "questions", order=50, permission="dialogues.change_question", build=pending_questions
)
