"""Test clients for the people who use the portal."""

from django.test import Client


def logged_in(user) -> Client:
    """A browser of its own, logged in as `user`: tests that need two people at once (a member
    and an organiser, two members) hold one each."""
    client = Client()
    client.force_login(user)
    return client
