"""The portal's survey pages, included under /portal/ by ``portal/urls.py``."""

from django.urls import path

from . import views_surveys

urlpatterns = [
    path("surveys/", views_surveys.my_surveys, name="surveys"),
    path("surveys/<int:pk>/", views_surveys.answer, name="survey"),
    path("survey/<str:token>/", views_surveys.link, name="survey_link"),
]
