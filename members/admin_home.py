"""The mail sections of the admin home (a4ep_portal/admin_home.py): mailings waiting for a
publisher, mailings scheduled or going out with their progress, and failed deliveries."""

from datetime import timedelta

from django.db.models import Case, Count, F, Q, When
from django.utils.timezone import now
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
    review_section,
)
from a4ep_portal.workflow import State

from .models import CURATED_KINDS, Delivery, Mailing

# How long a sent mailing stays on the home, for its last deliveries and failures.
RECENTLY_SENT = timedelta(days=3)


def _deliveries(**extra) -> Count:
    return Count("deliveries", filter=Q(**{f"deliveries__{k}": v for k, v in extra.items()}))


def mailings_in_review(request) -> Section:
    return review_section(
        request,
        # Those approved with a time to go out are listed as scheduled.
        Mailing.objects.filter(kind__in=CURATED_KINDS, sent_at__isnull=True).exclude(
            state=State.APPROVED, publish_at__isnull=False
        ),
        key="mailings",
        title=_("Mailings in review or approved"),
        empty=_("No mailing waits for review or sending."),
    )


def mailings_going_out(request) -> Section:
    """Approved mailings with a time to go out, and those sent lately, with their progress."""
    scheduled = Q(state=State.APPROVED, publish_at__isnull=False, sent_at__isnull=True)
    rows = list(
        Mailing.objects.filter(kind__in=CURATED_KINDS)
        .filter(scheduled | Q(sent_at__gte=now() - RECENTLY_SENT))
        .annotate(
            total=Count("deliveries"),
            sent=_deliveries(status=Delivery.Status.SENT),
            failed=_deliveries(status=Delivery.Status.FAILED),
        )
        .order_by(
            Case(When(sent_at__isnull=True, then=0), default=1),
            "publish_at",
            F("sent_at").desc(),
            "pk",
        )[: LINES_PER_SECTION + 1]
    )

    def line(mailing: Mailing) -> Line:
        if mailing.sent_at is None:
            facts = [_("goes out %(when)s") % {"when": organiser_time(mailing.publish_at)}]
        else:
            facts = [
                _("queued %(when)s") % {"when": organiser_time(mailing.sent_at)},
                ngettext(
                    "%(sent)s of %(total)s delivered",
                    "%(sent)s of %(total)s delivered",
                    mailing.total,
                )
                % {"sent": mailing.sent, "total": mailing.total},
            ]
            if mailing.failed:
                facts.append(
                    ngettext("%(n)s failed", "%(n)s failed", mailing.failed) % {"n": mailing.failed}
                )
        links = ()
        if mailing.sent_at is not None and request.user.has_perm("members.view_delivery"):
            links = (Link(_("Deliveries"), changelist(Delivery, mailing__id__exact=mailing.pk)),)
        return Line(
            Link(str(mailing), change_page(mailing)),
            tuple(facts),
            links,
            alert=bool(mailing.failed),
        )

    lines, more = first_lines(rows, line)
    return Section(
        key="sending",
        title=_("Mailings scheduled or going out"),
        lines=lines,
        empty=_("No mailing is scheduled or going out."),
        more=Link(_("All mailings"), changelist(Mailing)) if more else None,
    )


def failed_deliveries(request) -> Section:
    """Mailings with failed deliveries (any kind: a confirmation that failed matters too),
    the latest first."""
    rows = list(
        Mailing.objects.annotate(failed=_deliveries(status=Delivery.Status.FAILED))
        .filter(failed__gt=0)
        .order_by("-created_at", "-pk")[: LINES_PER_SECTION + 1]
    )

    def line(mailing: Mailing) -> Line:
        text = ngettext(
            "%(n)s failed delivery of “%(mailing)s”",
            "%(n)s failed deliveries of “%(mailing)s”",
            mailing.failed,
        ) % {"n": mailing.failed, "mailing": mailing}
        url = changelist(
            Delivery, mailing__id__exact=mailing.pk, status__exact=Delivery.Status.FAILED
        )
        return Line(Link(text, url), (str(mailing.get_kind_display()),), alert=True)

    lines, more = first_lines(rows, line)
    return Section(
        key="failed",
        title=_("Deliveries that failed"),
        lines=lines,
        empty=_("No delivery has failed."),
        more=Link(_("All failed deliveries"), changelist(Delivery, status__exact="failed"))
        if more
        else None,
    )


register_section("mailings", order=22, permission="members.view_mailing", build=mailings_in_review)
register_section("sending", order=30, permission="members.view_mailing", build=mailings_going_out)
register_section("failed", order=31, permission="members.view_delivery", build=failed_deliveries)
