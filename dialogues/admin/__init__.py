"""Organiser tools in Django admin: the catalogue and registrations (catalogue.py), and
participation: questions, breakout groups, topics, feedback (participation.py)."""

from . import catalogue, cohosts, home, participation  # noqa: F401  (model admins, home sections)
