"""factory_boy factories for the portal's models."""

import io
import random
from datetime import UTC, datetime, timedelta

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.utils import timezone

from a4ep_portal.workflow import State
from dialogues.models import (
    BreakoutGroup,
    CoHostStaff,
    Dialogue,
    DialogueSpeaker,
    Question,
    Registration,
    Series,
    Session,
    Speaker,
    TopicProposal,
)
from members.models import Organisation, User
from papers import services
from papers.models import Paper, Recording

DEMO_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password(DEMO_PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        """A verified primary address, as allauth keeps it (pass verified=False to skip)."""
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)

    @factory.post_generation
    def time_zone(self, create, extracted, **kwargs):
        if create and extracted:
            self.member.time_zone = extracted
            self.member.save(update_fields=["time_zone"])


class EditorFactory(UserFactory):
    is_staff = True

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name="Editors"))


class PublisherFactory(UserFactory):
    is_staff = True

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name="Publishers"))


class CoHostFactory(UserFactory):
    """Staff of a co-hosting organisation (pass organisation=), made as publishers make them."""

    is_staff = True

    @factory.post_generation
    def organisation(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name="Co-hosts"))
            CoHostStaff.objects.create(user=self, organisation=extracted)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Local Organisation {n}")
    country = "BD"
    kind = Organisation.Kind.LOCAL_NGO


class SeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Series
        django_get_or_create = ("slug",)

    title = "Localisation Dialogue Series"
    slug = "localisation-dialogue-series"
    campaign = "Local Actors Matter"


class DialogueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dialogue
        skip_postgeneration_save = True

    series = factory.SubFactory(SeriesFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Dialogue on theme {n}")
    question = "Who is making the decisions?"
    slug = factory.Sequence(lambda n: f"dialogue-{n}")
    description = "A 90-minute online dialogue."
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))
    venue = "Zoom"
    join_url = "https://zoom.us/j/123456789?pwd=secret-join-link"
    audience = "Local and national actors"
    status = Dialogue.Status.ANNOUNCED

    @factory.post_generation
    def co_hosts(self, create, extracted, **kwargs):
        if create and extracted:
            self.co_hosts.set(extracted)


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Speaker

    name = factory.Faker("name")
    slug = factory.Sequence(lambda n: f"speaker-{n}")
    title = "Director"
    organisation = factory.SubFactory(OrganisationFactory)
    country = "NE"


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    dialogue = factory.SubFactory(DialogueFactory)
    kind = Session.Kind.PANEL
    title = factory.Sequence(lambda n: f"Agenda item {n}")
    order = factory.Sequence(lambda n: n)
    duration_minutes = 30


class DialogueSpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DialogueSpeaker

    dialogue = factory.SubFactory(DialogueFactory)
    speaker = factory.SubFactory(SpeakerFactory)
    role = DialogueSpeaker.Role.PANELLIST
    session = None


def portrait_jpeg(seed: int, width: int = 900, height: int = 1200) -> bytes:
    """A camera-sized portrait-like JPEG: a background, head and shoulders, and sensor noise,
    so that it compresses about as badly as a real photo does."""
    from PIL import Image, ImageDraw, ImageFilter

    rnd = random.Random(seed)
    image = Image.new("RGB", (width, height), tuple(rnd.randint(40, 200) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(12):  # a busy background: shelves, a window, a poster
        x, y = rnd.randint(0, width), rnd.randint(0, height // 2)
        colour = tuple(rnd.randint(0, 255) for _ in range(3))
        draw.rectangle([x, y, x + rnd.randint(40, 300), y + rnd.randint(40, 300)], fill=colour)
    draw.ellipse([width * 0.12, height * 0.62, width * 0.88, height * 1.25], fill=(40, 60, 120))
    draw.ellipse([width * 0.32, height * 0.18, width * 0.68, height * 0.6], fill=(198, 134, 66))
    noise = Image.effect_noise((width, height), 60).convert("RGB")
    image = Image.blend(image, noise, 0.18).filter(ImageFilter.GaussianBlur(0.6))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A registration made directly; tests of capacity go through dialogues.services."""

    class Meta:
        model = Registration

    dialogue = factory.SubFactory(DialogueFactory)
    member = factory.LazyFunction(lambda: UserFactory().member)
    status = Registration.Status.CONFIRMED
    organisation_name = "Coast Trust"
    confirmed_at = factory.LazyFunction(timezone.now)


class QuestionFactory(factory.django.DjangoModelFactory):
    """An approved question (pass status= for another)."""

    class Meta:
        model = Question

    dialogue = factory.SubFactory(DialogueFactory)
    member = factory.LazyFunction(lambda: UserFactory().member)
    text = factory.Sequence(lambda n: f"How do we fund local leadership? ({n})")
    status = Question.Status.APPROVED


class BreakoutGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BreakoutGroup

    dialogue = factory.SubFactory(DialogueFactory)
    topic = factory.Sequence(lambda n: f"Group topic {n}")
    language = "en"
    order = factory.Sequence(lambda n: n)


class TopicProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TopicProposal

    title = factory.Sequence(lambda n: f"Who funds local leadership? {n}")
    why = "Because funding decides who leads."
    member = factory.LazyFunction(lambda: UserFactory().member)


class PaperFactory(factory.django.DjangoModelFactory):
    """A draft paper; PaperFactory(published=True) also gets a live version 1."""

    class Meta:
        model = Paper
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Who is accountable to whom? Paper {n}")
    slug = factory.Sequence(lambda n: f"paper-{n}")
    kind = Paper.Kind.DISCUSSION
    abstract = "What local actors told us about accountability."
    body = "# Findings\n\nLocal actors are accountable to their communities first."
    language = "en"

    @factory.post_generation
    def published(self, create, extracted, **kwargs):
        if create and extracted:
            _make_live(self)


class RecordingFactory(factory.django.DjangoModelFactory):
    """A draft recording of a dialogue; RecordingFactory(published=True) is live."""

    class Meta:
        model = Recording
        skip_postgeneration_save = True

    dialogue = factory.SubFactory(DialogueFactory)
    title = factory.Sequence(lambda n: f"Recording of dialogue {n}")
    slug = factory.Sequence(lambda n: f"recording-{n}")
    video_url = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    transcript = "**Moderator:** Welcome to the dialogue on accountability."
    duration = timedelta(minutes=90)
    language = "en"

    @factory.post_generation
    def published(self, create, extracted, **kwargs):
        if create and extracted:
            _make_live(self)


def _make_live(item):
    """Live at version 1 at once, as papers.services stores versions, without the workflow's
    moves (and so without their events and the summary mailing a first publication drafts)."""
    item.live_version = services.store_new_version(item)
    item.state = State.PUBLISHED
    item.first_published_at = item.live_version.published_at
    item.save(update_fields=["live_version", "state", "first_published_at"])
