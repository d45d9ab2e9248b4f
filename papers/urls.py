from django.urls import path

from . import views

app_name = "papers"

urlpatterns = [
    path("papers/", views.paper_list, name="list"),
    path("recordings/", views.recording_list, name="recordings"),
]
