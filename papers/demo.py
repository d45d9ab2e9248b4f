"""The papers of the demo: dialogue 1's discussion paper and summary of the discussions, taken
through the real workflow by the demo editor and publisher. Added when dialogues.demo loads."""

from datetime import date

from dialogues.models import Dialogue
from members.models import User

from . import services
from .models import Paper, PaperVersion

DIALOGUE = "solidarity-and-diversity"
PAPERS = [
    {
        "slug": "solidarity-and-diversity-discussion-paper",
        "kind": Paper.Kind.DISCUSSION,
        # Shared a week before the dialogue of 24 September 2020.
        "publication_date": date(2020, 9, 17),
        "title": "Solidarity and diversity: is there a crisis of solidarity?",
        "abstract": (
            "A short paper shared with participants before the first dialogue: what solidarity "
            "means for local actors, and where the aid system has lost its way. (Demo paper.)"
        ),
        "body": (
            "# Why this dialogue\n\n"
            "Local and national actors carry most of the response to crises, yet they hold "
            "little of the funding and fewer of the decisions.\n\n"
            "# Questions for the dialogue\n\n"
            "1. Is there a crisis of solidarity?\n"
            "2. What would solidarity look like in partnerships between local and "
            "international actors?\n"
        ),
    },
    {
        "slug": "solidarity-and-diversity-summary",
        "kind": Paper.Kind.SUMMARY,
        "publication_date": date(2020, 10, 15),
        "title": "Solidarity and diversity: summary of the discussions",
        "abstract": "What participants said in the first dialogue of the series. (Demo paper.)",
        "body": (
            "# What we heard\n\n"
            "Participants agreed that solidarity starts with listening to communities and "
            "local organisations, and with sharing power as well as funds.\n\n"
            "# Recommendations\n\n"
            "- Fund local organisations directly and flexibly.\n"
            "- Let local actors set the agenda of coordination meetings.\n"
        ),
    },
]


def load_papers(sender=None, **kwargs) -> None:
    """Create and publish what is missing; a paper that exists is left as it is."""
    dialogue = Dialogue.objects.filter(slug=DIALOGUE).first()
    editor = User.objects.filter(email="editor@a4ep.example.org").first()
    publisher = User.objects.filter(email="publisher@a4ep.example.org").first()
    if not (dialogue and editor and publisher):
        return
    for values in PAPERS:
        if Paper.objects.filter(slug=values["slug"]).exists():
            # Demo databases loaded before papers had their own date get it now.
            dated = {"publication_date": values["publication_date"]}
            Paper.objects.filter(slug=values["slug"], publication_date=None).update(**dated)
            PaperVersion.objects.filter(paper__slug=values["slug"], publication_date=None).update(
                **dated
            )
            continue
        paper = Paper(dialogue=dialogue, language="en", **values)
        services.save_item(paper, actor=editor, created=True)
        paper.organisations.set(dialogue.co_hosts.all())
        for move, actor in [("submit", editor), ("approve", publisher), ("publish", publisher)]:
            services.move(paper, move, actor=actor)
