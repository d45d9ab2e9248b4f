"""Organiser tools in Django admin: the catalogue and registrations (catalogue.py)."""

from . import catalogue  # noqa: F401  (registers the model admins)
