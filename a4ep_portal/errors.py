"""The pages for what went wrong on the portal's side: 500, and 503 when a service it needs
did not answer (the database; Redis only if something still reached it unguarded).

Both render the site's layout from the template alone: no request, so no context processor,
session, user, database or cache is touched, and they show even while the database is down.
400, 403 and 404 are Django's own views with the templates in templates/ (the language comes
from the address, as for every page).
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError

# Errors of a service that is away for a while, worth a "try again in a minute".
UNAVAILABLE = (OperationalError, InterfaceError, RedisError, BrokerError)
RETRY_AFTER_SECONDS = 60


@requires_csrf_token
def server_error(request, *args, **kwargs) -> HttpResponse:
    error = sys.exc_info()[1]
    if isinstance(error, UNAVAILABLE):
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponse(loader.render_to_string("500.html"), status=500)
