from django.urls import path

from . import feeds, views

app_name = "papers"

urlpatterns = [
    path("papers/", views.paper_list, name="list"),
    path("papers/feed/", feeds.PaperFeed(), name="feed"),
    path("papers/<slug:slug>/", views.paper_detail, name="detail"),
    path("papers/<slug:slug>/versions/<int:number>/", views.paper_version, name="version"),
    path("papers/<slug:slug>/preview/", views.paper_preview, name="preview"),
    path("recordings/", views.recording_list, name="recordings"),
    path("recordings/feed/", feeds.RecordingFeed(), name="recording_feed"),
    path("recordings/<slug:slug>/", views.recording_detail, name="recording"),
    path("recordings/<slug:slug>/preview/", views.recording_preview, name="recording_preview"),
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
]
