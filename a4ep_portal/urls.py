from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from a4ep_portal import health
from dialogues import views as dialogue_views
from dialogues.sitemaps import DialogueSitemap, PageSitemap
from papers.sitemaps import ArchiveSitemap, PaperSitemap, RecordingSitemap

admin.site.site_header = "A4EP Dialogues"
admin.site.site_title = "A4EP Dialogues admin"
# Admin logins go through allauth too: verified e-mail and the shared rate limits apply.
admin.site.login = secure_admin_login(admin.site.login)

SITEMAPS = {
    "pages": PageSitemap,
    "dialogues": DialogueSitemap,
    "archive": ArchiveSitemap,
    "papers": PaperSitemap,
    "recordings": RecordingSitemap,
}

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("", dialogue_views.home, name="home"),
    path("about/", dialogue_views.about, name="about"),
    path("about/figures/", dialogue_views.figures, name="figures"),
    path("topics/", dialogue_views.topics, name="topics"),
    path("topics/<int:pk>/vote/", dialogue_views.vote_topic, name="vote_topic"),
    path(
        "topics/<int:pk>/unvote/",
        dialogue_views.vote_topic,
        {"withdraw": True},
        name="unvote_topic",
    ),
    path("", include("dialogues.urls")),
    path("", include("papers.urls")),
    path("", include("members.urls")),
    path("", include("dialogues.me_urls")),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG and "://" not in settings.MEDIA_URL:
    import re

    from django.urls import re_path
    from django.views.static import serve

    # Local disk in development: public files only. private/ (papers, audio, captions) is
    # handed out by the portal's own views to those allowed to see it.
    urlpatterns += [
        re_path(
            rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?!private/)(?P<path>.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]
