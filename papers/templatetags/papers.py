"""What a dialogue's page shows of its papers and recordings. The dialogues app knows nothing
of papers; its template loads this tag, which asks two queries whatever the numbers."""

from django import template

from papers.access import is_confirmed_registrant, may_preview
from papers.models import Audience, Paper, Recording

register = template.Library()


@register.inclusion_tag("papers/includes/dialogue_publications.html", takes_context=True)
def dialogue_publications(context, dialogue):
    user = context["request"].user
    # The dialogue page knows already (it read the viewer's registration).
    registrant = context.get("confirmed_registrant")
    if registrant is None:
        registrant = is_confirmed_registrant(user, dialogue)

    def audiences(model) -> list[str]:
        if registrant or may_preview(user, model):
            return [Audience.PUBLIC, Audience.REGISTRANTS]
        return [Audience.PUBLIC]

    papers = (
        Paper.objects.live()
        .filter(dialogue=dialogue, live_version__audience__in=audiences(Paper))
        .select_related("live_version")
        .order_by("kind", "live_version__language", "pk")
    )
    recordings = (
        Recording.objects.live()
        .filter(dialogue=dialogue, live_version__audience__in=audiences(Recording))
        .select_related("live_version")
        .order_by("live_version__language", "pk")
    )
    # After a held dialogue, an empty list says so rather than leaving readers to wonder.
    said_none = dialogue.is_over() and dialogue.status != dialogue.Status.CANCELLED
    return {"papers": list(papers), "recordings": list(recordings), "say_none": said_none}
