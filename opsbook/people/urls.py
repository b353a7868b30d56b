from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("", views.staff_list, name="staff"),
    path("staff/new/", views.staff_new, name="staff_new"),
    path("staff/<int:pk>/", views.staff_edit, name="staff_edit"),
    path("staff/<int:pk>/active/", views.staff_active, name="staff_active"),
    path("staff/<int:pk>/invite/", views.staff_invite, name="staff_invite"),
    path("teams/", views.team_list, name="teams"),
    path("teams/new/", views.team_new, name="team_new"),
    path("teams/<int:pk>/", views.team_edit, name="team_edit"),
    path("customers/", views.customer_list, name="customers"),
    path("customers/new/", views.customer_new, name="customer_new"),
    path("customers/<int:pk>/", views.customer_edit, name="customer_edit"),
    path("contacts/", views.contact_list, name="contacts"),
    path("contacts/new/", views.contact_new, name="contact_new"),
    path("contacts/<int:pk>/", views.contact_edit, name="contact_edit"),
    path("contacts/<int:pk>/active/", views.contact_active, name="contact_active"),
    path("contacts/<int:pk>/invite/", views.contact_invite, name="contact_invite"),
    path("export/", views.export, name="export"),
    path("import/", views.import_upload, name="import"),
    path("import/preview/", views.import_preview, name="import_preview"),
    path("import/confirm/", views.import_confirm, name="import_confirm"),
    path("import/cancel/", views.import_cancel, name="import_cancel"),
    path("welcome/<uidb64>/<token>/", views.welcome, name="welcome"),
]
