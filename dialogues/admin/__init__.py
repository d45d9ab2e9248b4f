"""Organiser tools in Django admin: the catalogue and registrations (catalogue.py), and
participation: questions, breakout groups, topics, feedback (participation.py)."""

from . import catalogue, cohosts, participation  # noqa: F401  (register the model admins)
