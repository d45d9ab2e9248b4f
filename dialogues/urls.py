from django.urls import path

from . import views

app_name = "dialogues"

urlpatterns = [
    path("dialogues/", views.dialogue_list, name="list"),
    path("dialogues/calendar.ics", views.series_calendar, name="calendar"),
    path("dialogues/<slug:slug>/", views.dialogue_detail, name="detail"),
    path("dialogues/<slug:slug>/register/", views.register, name="register"),
    path("dialogues/<slug:slug>/tell-me/", views.member_date_alert, name="date_alert"),
    path(
        "dialogues/<slug:slug>/tell-me/by-mail/",
        views.visitor_date_alert,
        name="date_alert_visitor",
    ),
    path("date-alerts/<str:token>/confirm/", views.confirm_date_alert, name="alert_confirm"),
    path("date-alerts/<str:token>/stop/", views.stop_date_alert, name="alert_stop"),
    path("dialogues/<slug:slug>/questions/", views.ask, name="ask"),
    path("dialogues/<slug:slug>/questions/<int:pk>/vote/", views.vote_question, name="vote"),
    path(
        "dialogues/<slug:slug>/questions/<int:pk>/unvote/",
        views.vote_question,
        {"withdraw": True},
        name="unvote",
    ),
    path("dialogues/<slug:slug>/breakout/", views.choose_breakout, name="choose_breakout"),
    path("dialogues/<slug:slug>/calendar.ics", views.dialogue_calendar, name="dialogue_calendar"),
    # Printed on certificates of participation: anyone may check one.
    path("certificates/<str:token>/", views.verify_certificate, name="certificate"),
    path("speakers/", views.speaker_list, name="speakers"),
    path("speakers/<slug:slug>/", views.speaker_detail, name="speaker"),
]
