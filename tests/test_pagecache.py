"""The anonymous page cache's fast path: a hit is served before the rest of the middleware
stack with one cache round trip, and never to anyone who may see something else."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from a4ep_portal import pagecache
from members.timezones import TZ_COOKIE
from tests.factories import DialogueFactory, RegistrationFactory

LOCAL_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture
def page_cache(settings):
    settings.CACHES = LOCAL_CACHE
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    cache.clear()
    pagecache._known_generation = None
    yield
    cache.clear()
    pagecache._known_generation = None


class CountingCache:
    """The cache, with each call counted by name."""

    def __init__(self, real):
        self.real, self.calls = real, []

    def __getattr__(self, name):
        method = getattr(self.real, name)

        def counted(*args, **kwargs):
            self.calls.append(name)
            return method(*args, **kwargs)

        return counted


@pytest.mark.django_db
def test_a_cached_page_costs_one_cache_read_and_no_query(client, page_cache, monkeypatch):
    DialogueFactory(slug="accountability")
    first = client.get("/dialogues/accountability/", HTTP_ACCEPT_ENCODING="gzip")
    counting = CountingCache(cache)
    monkeypatch.setattr(pagecache, "cache", counting)
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/dialogues/accountability/", HTTP_ACCEPT_ENCODING="gzip")
    assert (counting.calls, len(queries)) == (["get"], 0)
    assert (again.status_code, again.content) == (200, first.content)
    assert again["Content-Encoding"] == "gzip"
    assert again["Content-Type"] == "text/html; charset=utf-8"
    # Every response still carries its own request id, the cached ones too.
    assert len(again["X-Request-ID"]) == 32 and again["X-Request-ID"] != first["X-Request-ID"]
    assert again["Content-Security-Policy"] == first["Content-Security-Policy"]


@pytest.mark.django_db
def test_cached_pages_keep_apart_what_visitors_see_differently(client, page_cache):
    DialogueFactory(slug="accountability")
    path = "/dialogues/accountability/"
    plain = client.get(path).content
    zipped = client.get(path, HTTP_ACCEPT_ENCODING="gzip")
    assert zipped["Content-Encoding"] == "gzip"
    assert client.get(path).content == plain  # a client without gzip gets plain text
    client.cookies[TZ_COOKIE] = "Asia/Karachi"
    assert "(Asia/Karachi)" in client.get(path).content.decode()
    client.cookies[TZ_COOKIE] = "UTC"
    # A visitor who chose UTC is told so (the page's script leaves the times alone).
    chosen = client.get(path).content.decode()
    assert '<body data-tz-chosen="true">' in chosen
    assert '<body data-tz-chosen="false">' in plain.decode()
    assert "<h1" in client.get("/fr" + path).content.decode()
    assert client.get("/fr" + path).content.decode().count('lang="fr"') >= 1


@pytest.mark.django_db
def test_a_member_never_gets_the_cached_page(client, page_cache):
    dialogue = DialogueFactory(slug="accountability")
    client.get("/dialogues/accountability/")
    client.force_login(RegistrationFactory(dialogue=dialogue).member.user)
    assert "Your registration:" in client.get("/dialogues/accountability/").content.decode()


@pytest.mark.django_db
def test_a_change_in_another_process_shows_within_a_second(client, page_cache, monkeypatch):
    dialogue = DialogueFactory(slug="accountability", title="Accountability")
    path = dialogue.get_absolute_url()
    client.get(path)
    # Another web node changes it and bumps the generation in the shared cache (no signal here):
    # this process trusts the number it read for GENERATION_SECONDS, then reads it again.
    type(dialogue).objects.filter(pk=dialogue.pk).update(title="Accountability to communities")
    cache.incr(pagecache.GENERATION_KEY)
    assert "Accountability to communities" not in client.get(path).content.decode()
    monkeypatch.setattr(pagecache, "GENERATION_SECONDS", 0)
    assert "Accountability to communities" in client.get(path).content.decode()


def test_the_cookie_the_cache_varies_on_is_the_time_zone_cookie():
    assert pagecache.VARY_ON_COOKIES == (TZ_COOKIE,)
