from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from a4ep_portal import health
from a4ep_portal.files import public_media_urlpatterns
from dialogues import views as dialogue_views
from dialogues.admin import cohosts as co_host_admin
from dialogues.sitemaps import DialogueSitemap, PageSitemap
from members import views as member_views
from papers.sitemaps import ArchiveSitemap, PaperSitemap, RecordingSitemap
from papers.urls import api_urlpatterns, file_urlpatterns

# 400, 403 and 404 are Django's views with our templates; 500 (and 503) render without
# touching the database (a4ep_portal/errors.py).
handler500 = "a4ep_portal.errors.server_error"

admin.site.site_header = _("A4EP Dialogues")
admin.site.site_title = _("A4EP Dialogues admin")
admin.site.index_title = _("What needs you today")
# Admin logins go through allauth too: verified e-mail and the shared rate limits apply.
admin.site.login = secure_admin_login(admin.site.login)

SITEMAPS = {
    "pages": PageSitemap,
    "dialogues": DialogueSitemap,
    "archive": ArchiveSitemap,
    "papers": PaperSitemap,
    "recordings": RecordingSitemap,
}

# Language-free addresses stay unprefixed: probes, the one-click unsubscribe link in mail (its
# POST must keep working whatever the page's language), files, the sitemap and the language
# switcher.
urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("unsubscribe/<str:token>/", member_views.unsubscribe_view, name="unsubscribe"),
    path("", include((file_urlpatterns, "files"))),
    # The public catalogue as JSON for partners' sites, versioned (papers/api.py).
    path("api/v1/", include((api_urlpatterns, "api"))),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    # No CSRF token: the switcher is on every page, and a token would keep anonymous pages out
    # of the page cache; the view only sets the language cookie and redirects.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
]

# Pages: English at the addresses already shared (/dialogues/...), the other languages under
# their prefix (/fr/dialogues/...).
urlpatterns += i18n_patterns(
    path("", dialogue_views.home, name="home"),
    path("about/", dialogue_views.about, name="about"),
    path("about/figures/", dialogue_views.figures, name="figures"),
    path("contact/", dialogue_views.contact, name="contact"),
    path("calendar/", dialogue_views.calendar_subscription, name="calendar_subscription"),
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
    path("accounts/", include("allauth.urls")),
    # Admin's "View on site", narrowed for co-hosts to their own dialogues' objects.
    path(
        "admin/r/<int:content_type_id>/<path:object_id>/",
        admin.site.admin_view(co_host_admin.view_on_site),
    ),
    # Organisers may work in their language too: /fr/admin/ (admin labels are translated).
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)

if settings.DEBUG and "://" not in settings.MEDIA_URL:
    # Local disk in development: public uploads only. private/ (papers, audio, captions) is
    # handed out by the portal's own views to those allowed to see it, however it is spelt.
    urlpatterns += public_media_urlpatterns()
