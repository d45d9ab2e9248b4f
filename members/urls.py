from django.urls import path

from . import views

urlpatterns = [
    path("time-zone/", views.choose_time_zone, name="choose_time_zone"),
    path("me/", views.profile, name="profile"),
    path("me/preferences/", views.mail_preferences, name="mail_preferences"),
    path("me/data/", views.data_download, name="data_download"),
    path("me/delete/", views.delete_account_view, name="delete_account"),
    path("privacy/", views.privacy, name="privacy"),
]
