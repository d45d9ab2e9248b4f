from django.middleware import gzip
from django.utils import translation


class ForgetLanguageMiddleware:
    """Leaves no language active in the thread once a response is made.

    LocaleMiddleware activates the address's language and nothing deactivates it, so whatever
    the thread does next (a task run in-process, a test's next step) would still speak it, and
    would write `dialogue.title` into that language's column (django-modeltranslation)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        finally:
            translation.deactivate()


class GZipMiddleware(gzip.GZipMiddleware):
    """Django's, except for responses marked with keep_uncompressed(): those carry a secret
    (a dialogue's join link) on a page that also reflects what the visitor asked for (the
    page's address in the language and time-zone links), the mix that BREACH reads secrets
    out of through compressed sizes. Django's random padding makes that slower; not
    compressing such pages rules it out."""

    def process_response(self, request, response):
        if getattr(response, "keep_uncompressed", False):
            return response
        return super().process_response(request, response)


def keep_uncompressed(response):
    """Mark a response that carries a secret: GZipMiddleware leaves it as it is."""
    response.keep_uncompressed = True
    return response
