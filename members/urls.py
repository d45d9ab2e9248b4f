from django.urls import path

from . import views

urlpatterns = [
    path("time-zone/", views.choose_time_zone, name="choose_time_zone"),
]
