from django.urls import path

from .views import banner, exceptions, files, pages

app_name = "calendars"

urlpatterns = [
    path("", pages.calendar_list, name="list"),
    path("new/", pages.calendar_create, name="create"),
    path("health/dismiss/", banner.dismiss_year, name="dismiss_year"),
    path("<int:pk>/", pages.calendar_detail, name="detail"),
    path("<int:pk>/edit/", pages.calendar_edit, name="edit"),
    path("<int:pk>/hours/", pages.calendar_hours, name="hours"),
    path("<int:pk>/exceptions/new/", exceptions.exception_create, name="exception_create"),
    path(
        "<int:pk>/exceptions/<int:exception_pk>/edit/",
        exceptions.exception_edit,
        name="exception_edit",
    ),
    path(
        "<int:pk>/exceptions/<int:exception_pk>/delete/",
        exceptions.exception_delete,
        name="exception_delete",
    ),
    path("<int:pk>/years/", exceptions.calendar_years, name="years"),
    path("<int:pk>/years/<int:year>/delete/", exceptions.year_delete, name="year_delete"),
    path("<int:pk>/export/", files.calendar_export, name="export"),
    path("<int:pk>/import/", files.import_upload, name="import"),
    path("<int:pk>/import/preview/", files.import_preview, name="import_preview"),
    path("<int:pk>/import/confirm/", files.import_confirm, name="import_confirm"),
    path("<int:pk>/import/cancel/", files.import_cancel, name="import_cancel"),
]
