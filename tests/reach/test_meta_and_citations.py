"""What other tools read of a page: Open Graph, schema.org JSON-LD, Highwire citation tags,
and the citation files, each read back by a parser as those tools do."""

import json

import pytest

from tests.reach.conftest import HeadReader

pytestmark = pytest.mark.django_db

SITE = "http://testserver.example"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


def test_a_dialogue_page_has_a_link_preview_and_an_event(held, client):
    head = HeadReader(client.get("/dialogues/who-decides/").content.decode())

    assert head.meta["og:title"] == ["Who is making the decisions?"]
    assert head.meta["og:description"] == ["Where does power sit in partnerships?"]
    assert head.meta["og:url"] == [f"{SITE}/dialogues/who-decides/"]
    assert head.meta["og:image"] == [f"{SITE}/previews/dialogues/who-decides/en.png"]
    assert head.meta["twitter:card"] == ["summary_large_image"]
    (event,) = head.json_ld
    assert event["@type"] == "Event"
    assert event["name"] == "Who is making the decisions?"
    assert (event["startDate"], event["endDate"]) == (
        "2020-11-17T12:00:00Z",
        "2020-11-17T13:30:00Z",
    )
    assert event["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert event["eventStatus"] == "https://schema.org/EventScheduled"
    assert event["location"] == {
        "@type": "VirtualLocation",
        "url": f"{SITE}/dialogues/who-decides/",
    }
    assert [o["name"] for o in event["organizer"]] == [
        "Alliance for Empowering Partnership (A4EP)",
        "KUNO",
    ]
    assert event["performer"] == [
        {"@type": "Person", "name": "Amina Diallo", "url": f"{SITE}/speakers/amina-diallo/"}
    ]
    assert event["offers"]["price"] == "0"
    assert event["isAccessibleForFree"] is True
    # The join link is for confirmed registrants only.
    assert "zoom.us" not in json.dumps(event)


def test_the_arabic_page_points_at_the_arabic_preview(held, client):
    head = HeadReader(client.get("/ar/dialogues/who-decides/").content.decode())

    assert head.meta["og:title"] == ["من يتخذ القرارات؟"]
    assert head.meta["og:image"] == [f"{SITE}/previews/dialogues/who-decides/ar.png"]
    assert head.meta["og:locale"] == ["ar"]


def test_a_paper_page_has_citation_tags_an_article_and_a_cite_section(held, client):
    from tests.html import visible_text

    html = client.get("/papers/power-in-partnerships/").content.decode()
    head = HeadReader(html)

    assert head.meta["citation_title"] == ["Power in partnerships"]
    assert head.meta["citation_author"] == ["Amina Diallo", "Charter4Change"]
    assert head.meta["citation_publication_date"] == ["2020/12/01"]
    assert head.meta["citation_language"] == ["en"]
    assert head.meta["citation_publisher"] == ["Alliance for Empowering Partnership (A4EP)"]
    assert head.meta["citation_pdf_url"] == [f"{SITE}/papers/power-in-partnerships/pdf/"]
    assert head.meta["citation_doi"] == ["10.5281/zenodo.1234567"]
    assert head.meta["og:type"] == ["article"]
    (article,) = head.json_ld
    assert article["@type"] == "ScholarlyArticle"
    assert article["headline"] == "Power in partnerships"
    assert article["author"] == [
        {"@type": "Person", "name": "Amina Diallo"},
        {"@type": "Organization", "name": "Charter4Change"},
    ]
    assert article["datePublished"] == "2020-12-01T09:00:00Z"
    assert article["sameAs"] == "https://doi.org/10.5281/zenodo.1234567"
    assert article["encoding"]["contentUrl"] == f"{SITE}/papers/power-in-partnerships/pdf/"
    assert (
        "Cite Diallo, A., & Charter4Change (2020). Power in partnerships. Alliance for "
        "Empowering Partnership (A4EP). https://doi.org/10.5281/zenodo.1234567 "
        "DOI: 10.5281/zenodo.1234567 For a reference manager: BibTeX RIS CSL-JSON"
    ) in visible_text(html)


def test_a_recording_page_has_a_podcast_episode(held, client):
    head = HeadReader(client.get("/recordings/recording-3/").content.decode())

    (episode,) = head.json_ld
    assert episode["@type"] == "PodcastEpisode"
    assert episode["timeRequired"] == "PT1H30M0S"
    assert episode["associatedMedia"] == {
        "@type": "AudioObject",
        "contentUrl": f"{SITE}/recordings/recording-3/audio/",
        "encodingFormat": "audio/wav",
        "contentSize": "48044",
        "duration": "PT1H30M0S",
    }


def test_a_registrants_only_paper_tells_nothing_to_other_sites(held, client, django_user_model):
    from dialogues.models import Registration
    from tests.factories import RegistrationFactory

    registrant = RegistrationFactory(dialogue=held, status=Registration.Status.CONFIRMED)
    client.force_login(registrant.member.user)

    head = HeadReader(client.get("/papers/registrants-notes/").content.decode())

    assert head.json_ld == []
    assert [key for key in head.meta if key.startswith("citation_")] == []
    assert head.meta["og:image"] == [f"{SITE}/static/img/preview.png"]
    assert client.get("/papers/registrants-notes/cite.bib").status_code == 404


def test_the_citation_files(held, client):
    bib = client.get("/papers/power-in-partnerships/cite.bib")
    ris = client.get("/papers/power-in-partnerships/cite.ris")
    csl = client.get("/papers/power-in-partnerships/cite.json")

    assert bib["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert bib["Content-Disposition"] == 'attachment; filename="power-in-partnerships.bib"'
    assert bib.content.decode() == (
        "@misc{powerinpartnerships2020,\n"
        "  title = {{Power in partnerships}},\n"
        "  author = {Amina Diallo and {Charter4Change}},\n"
        "  year = {2020},\n"
        "  month = dec,\n"
        "  publisher = {Alliance for Empowering Partnership (A4EP)},\n"
        "  language = {en},\n"
        f"  url = {{{SITE}/papers/power-in-partnerships/}},\n"
        "  doi = {10.5281/zenodo.1234567}\n"
        "}\n"
    )
    assert ris.content.decode().split("\r\n") == [
        "TY  - GEN",
        "TI  - Power in partnerships",
        "AU  - Amina Diallo",
        "AU  - Charter4Change",
        "PY  - 2020",
        "DA  - 2020/12/01",
        "PB  - Alliance for Empowering Partnership (A4EP)",
        "LA  - en",
        f"UR  - {SITE}/papers/power-in-partnerships/",
        "AB  - What local actors told us about accountability.",
        "DO  - 10.5281/zenodo.1234567",
        "ER  - ",
        "",
    ]
    (item,) = json.loads(csl.content)
    assert item == {
        "id": "power-in-partnerships",
        "type": "article",
        "title": "Power in partnerships",
        "author": [{"family": "Diallo", "given": "Amina"}, {"literal": "Charter4Change"}],
        "issued": {"date-parts": [[2020, 12, 1]]},
        "publisher": "Alliance for Empowering Partnership (A4EP)",
        "language": "en",
        "URL": f"{SITE}/papers/power-in-partnerships/",
        "version": "1",
        "abstract": "What local actors told us about accountability.",
        "DOI": "10.5281/zenodo.1234567",
    }
    assert client.get("/papers/unfinished-draft/cite.bib").status_code == 404
    assert client.get("/papers/power-in-partnerships/cite.txt").status_code == 404


def test_a_doi_must_be_a_doi():
    from django.core.exceptions import ValidationError

    from papers.models import validate_doi

    validate_doi("10.5281/zenodo.1234567")
    with pytest.raises(ValidationError) as error:
        validate_doi("https://doi.org/10.5281/zenodo.1234567")
    assert error.value.messages == ["Give the DOI itself, for example 10.5281/zenodo.1234567."]


def test_the_reference_is_the_same_from_every_language(held, client):
    from papers.models import Paper
    from tests.html import visible_text

    Paper.objects.filter(slug="power-in-partnerships").update(doi="")
    Paper.live_version.field.related_model.objects.update(doi="")

    text = visible_text(client.get("/ar/papers/power-in-partnerships/").content)

    assert (
        "Diallo, A., & Charter4Change (2020). Power in partnerships. Alliance for Empowering "
        f"Partnership (A4EP). {SITE}/papers/power-in-partnerships/"
    ) in text


def test_the_api_lists_each_speakers_part_once(held, client):
    from dialogues.models import DialogueSpeaker
    from tests.factories import SessionFactory

    amina = DialogueSpeaker.objects.get(dialogue=held).speaker
    for _ in range(2):  # the same part in two agenda items
        DialogueSpeaker.objects.create(
            dialogue=held, speaker=amina, role="moderator", session=SessionFactory(dialogue=held)
        )

    dialogue = json.loads(client.get("/api/v1/dialogues/who-decides/").content)

    assert dialogue["speakers"] == [
        {"slug": "amina-diallo", "name": "Amina Diallo", "role": "panellist"},
        {"slug": "amina-diallo", "name": "Amina Diallo", "role": "moderator"},
    ]
