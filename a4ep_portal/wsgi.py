import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "a4ep_portal.settings")
application = get_wsgi_application()


def _warm_up() -> None:
    """Load now what a worker's first request would load: the URLconf with every view it
    imports, the URL reverse table, the broker's transport (imported, not connected). Each
    worker pays this once when it boots, not in the middle of the first burst of sign-ups
    after a deploy, where it cost a fresh worker some 150 ms of CPU."""
    from django.urls import get_resolver

    from .celery import app as celery_app

    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 (the property imports the URLconf)
    resolver.reverse_dict  # noqa: B018 (the property fills the reverse table)
    celery_app.connection_for_write().transport  # noqa: B018 (imports the transport)


_warm_up()
