from django.urls import path

from . import views

app_name = "sops"

urlpatterns = [
    path("", views.procedure_list, name="list"),
    path("new/", views.procedure_new, name="new"),
    path("<int:pk>/", views.procedure_detail, name="detail"),
    path("<int:pk>/edit/", views.procedure_edit, name="edit"),
    path("<int:pk>/active/", views.procedure_active, name="active"),
    path("<int:pk>/versions/<int:number>/", views.version_detail, name="version"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("steps/<int:pk>/complete/", views.step_complete, name="step_complete"),
    path("steps/<int:pk>/reopen/", views.step_reopen, name="step_reopen"),
    path("steps/<int:pk>/file/", views.step_file, name="step_file"),
]
