"""The papers' sections of the admin home (a4ep_portal/admin_home.py): papers and
recordings waiting for a publisher."""

from django.utils.translation import gettext as _

from a4ep_portal.admin_home import register_section, review_section

from .models import Paper, Recording


def papers_in_review(request):
    return review_section(
        request,
        Paper.objects.all(),
        key="papers",
        title=_("Papers in review or approved"),
        empty=_("No paper waits for review or publishing."),
    )


def recordings_in_review(request):
    return review_section(
        request,
        Recording.objects.all(),
        key="recordings",
        title=_("Recordings in review or approved"),
        empty=_("No recording waits for review or publishing."),
    )


register_section("papers", order=20, permission="papers.view_paper", build=papers_in_review)
register_section(
    "recordings", order=21, permission="papers.view_recording", build=recordings_in_review
)
