"""The portal's survey pages, included under /portal/ by ``portal/urls.py`` with the nested
namespace ``portal:surveys`` (their permission matrix is in surveys/tests/test_routes.py)."""

from django.urls import path

from . import views_surveys

app_name = "surveys"

urlpatterns = [
    path("surveys/", views_surveys.my_surveys, name="list"),
    path("surveys/<int:pk>/", views_surveys.answer, name="answer"),
    path("survey/<str:token>/", views_surveys.link, name="link"),
]
