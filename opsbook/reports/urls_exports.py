"""Downloads (included by reports/urls.py): the draft and a published version as a file."""

from django.urls import path

from .views import exports

urlpatterns = [
    path("<int:pk>/download/<slug:fmt>/", exports.download, name="download"),
    path(
        "<int:pk>/v<int:number>/download/<slug:fmt>/",
        exports.version_download,
        name="version_download",
    ),
]
