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
