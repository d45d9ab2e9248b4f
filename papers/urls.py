from django.urls import path, re_path

from . import api, feeds, reach, views

app_name = "papers"

urlpatterns = [
    path("papers/", views.paper_list, name="list"),
    path("papers/feed/", feeds.PaperFeed(), name="feed"),
    path("papers/<slug:slug>/", views.paper_detail, name="detail"),
    path("papers/<slug:slug>/versions/<int:number>/", views.paper_version, name="version"),
    path("papers/<slug:slug>/preview/", views.paper_preview, name="preview"),
    path("recordings/", views.recording_list, name="recordings"),
    path("recordings/feed/", feeds.RecordingFeed(), name="recording_feed"),
    path("recordings/podcast/<slug:language>/", feeds.PodcastFeed(), name="podcast"),
    path("recordings/<slug:slug>/", views.recording_detail, name="recording"),
    path("recordings/<slug:slug>/preview/", views.recording_preview, name="recording_preview"),
    # For partners' sites: the only page that may be framed.
    path("embed/dialogues/", reach.embed_upcoming, name="embed"),
]

# Files are the same in every language: a4ep_portal/urls.py keeps them unprefixed, in the
# "files" namespace.
file_urlpatterns = [
    path("papers/<slug:slug>/pdf/", views.paper_pdf, name="paper_pdf"),
    path(
        "papers/<slug:slug>/versions/<int:number>/pdf/", views.paper_pdf, name="paper_version_pdf"
    ),
    path("recordings/<slug:slug>/audio/", views.recording_audio, name="recording_audio"),
    path(
        "recordings/<slug:slug>/captions/<slug:language>.vtt",
        views.recording_captions,
        name="recording_captions",
    ),
    # Working copies, for organisers (by id: admin links to them while the slug is edited).
    path("papers/preview/<int:pk>/pdf/", views.paper_preview_pdf, name="paper_preview_pdf"),
    path(
        "recordings/preview/<int:pk>/audio/",
        views.recording_preview_audio,
        name="recording_preview_audio",
    ),
    path(
        "recordings/preview/<int:pk>/captions/<slug:language>.vtt",
        views.recording_preview_captions,
        name="recording_preview_captions",
    ),
    re_path(
        r"^papers/(?P<slug>[-\w]+)/cite\.(?P<format_name>bib|ris|json)$",
        reach.paper_citation,
        name="paper_citation",
    ),
    path(
        "previews/dialogues/<slug:slug>/<slug:language>.png",
        reach.dialogue_preview,
        name="dialogue_preview",
    ),
    path(
        "previews/papers/<slug:slug>/<slug:language>.png", reach.paper_preview, name="paper_preview"
    ),
    path("dialogues/<slug:slug>/offline.zip", reach.dialogue_pack, name="dialogue_pack"),
]

# The JSON API (a4ep_portal/urls.py mounts it at /api/v1/, in the "api" namespace).
api_urlpatterns = [
    path("", api.index, name="index"),
    path("series/", api.series_list, name="series"),
    path("dialogues/", api.dialogue_list, name="dialogues"),
    path("dialogues/<slug:slug>/", api.dialogue_detail, name="dialogue"),
    path("speakers/", api.speaker_list, name="speakers"),
    path("papers/", api.paper_list, name="papers"),
    path("recordings/", api.recording_list, name="recordings"),
]
