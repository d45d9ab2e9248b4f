from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from dialogues import views as dialogue_views

admin.site.site_header = "A4EP Dialogues"
admin.site.site_title = "A4EP Dialogues admin"
# Admin logins go through allauth too: verified e-mail and the shared rate limits apply.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", dialogue_views.home, name="home"),
    path("about/", dialogue_views.about, name="about"),
    path("", include("dialogues.urls")),
    path("", include("papers.urls")),
    path("", include("members.urls")),
    path("", include("dialogues.me_urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
