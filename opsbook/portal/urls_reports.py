"""The portal's service reports, included under /portal/ by ``portal/urls.py`` with the nested
namespace ``portal:reports`` (their permission tests: reports/tests/test_portal_reports.py)."""

from django.urls import path

from . import views_reports

app_name = "reports"

urlpatterns = [
    path("reports/", views_reports.report_list, name="list"),
    path("reports/<int:pk>/versions/<int:number>/", views_reports.report_version, name="version"),
    path(
        "reports/<int:pk>/versions/<int:number>/feedback/",
        views_reports.report_feedback,
        name="feedback",
    ),
    path(
        "reports/<int:pk>/versions/<int:number>/<str:fmt>/",
        views_reports.report_download,
        name="download",
    ),
]
