from django.urls import path

from . import views

app_name = "calendars"

urlpatterns = [
    path("", views.calendar_list, name="list"),
    path("new/", views.calendar_create, name="create"),
    path("<int:pk>/", views.calendar_detail, name="detail"),
    path("<int:pk>/edit/", views.calendar_edit, name="edit"),
    path("<int:pk>/hours/", views.calendar_hours, name="hours"),
    path("<int:pk>/exceptions/new/", views.exception_create, name="exception_create"),
    path(
        "<int:pk>/exceptions/<int:exception_pk>/edit/",
        views.exception_edit,
        name="exception_edit",
    ),
    path(
        "<int:pk>/exceptions/<int:exception_pk>/delete/",
        views.exception_delete,
        name="exception_delete",
    ),
    path("<int:pk>/years/", views.calendar_years, name="years"),
    path("<int:pk>/years/<int:year>/delete/", views.year_delete, name="year_delete"),
    path("<int:pk>/export/", views.calendar_export, name="export"),
    path("<int:pk>/import/", views.import_upload, name="import"),
    path("<int:pk>/import/preview/", views.import_preview, name="import_preview"),
    path("<int:pk>/import/confirm/", views.import_confirm, name="import_confirm"),
    path("<int:pk>/import/cancel/", views.import_cancel, name="import_cancel"),
]
