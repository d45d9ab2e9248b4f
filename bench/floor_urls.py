"""The floor of bench/pages.py: a hello-world view behind the portal's middleware, served by
the same gunicorn, so a page's figures can be read as a share of what the stack alone costs."""

from django.http import HttpResponse
from django.urls import path

from a4ep_portal.urls import urlpatterns as portal_urlpatterns


def hello(request):
    return HttpResponse("Hello, world.", content_type="text/plain")


urlpatterns = [path("__floor__/", hello), *portal_urlpatterns]
