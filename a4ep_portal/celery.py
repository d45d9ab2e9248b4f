"""The Celery app. Its settings live in a4ep_portal/settings.py under the CELERY_ prefix."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "a4ep_portal.settings")

app = Celery("a4ep_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
