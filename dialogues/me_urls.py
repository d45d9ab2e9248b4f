"""A member's own registrations, under /me/."""

from django.urls import path

from . import views

urlpatterns = [
    path("me/dialogues/", views.my_dialogues, name="my_dialogues"),
    path(
        "me/dialogues/<slug:slug>/cancel/", views.cancel_my_registration, name="cancel_registration"
    ),
    path("me/dialogues/<slug:slug>/sharing/", views.stop_sharing, name="stop_sharing"),
    # A stable address: the post-event mail (mailing issue) links here.
    path("me/dialogues/<slug:slug>/feedback/", views.feedback, name="feedback"),
    path("me/dialogues/<slug:slug>/calendar.ics", views.my_calendar, name="my_calendar"),
    path("me/dialogues/<slug:slug>/certificate.pdf", views.my_certificate, name="my_certificate"),
]
