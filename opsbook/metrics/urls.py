from django.urls import path

from .views import manual, targets

app_name = "metrics"

urlpatterns = [
    path("manual/", manual.manual_list, name="manual_list"),
    path("manual/new/", manual.manual_new, name="manual_new"),
    path("manual/import/", manual.manual_import, name="manual_import"),
    path("manual/template/", manual.manual_template, name="manual_template"),
    path("manual/<slug:code>/", manual.manual_detail, name="manual_detail"),
    path("manual/<slug:code>/edit/", manual.manual_edit, name="manual_edit"),
    path(
        "manual/<slug:code>/values/<int:pk>/delete/",
        manual.manual_value_delete,
        name="manual_value_delete",
    ),
    path("targets/", targets.target_list, name="targets"),
    path("targets/form/", targets.target_form, name="target_form"),
    path("targets/<int:pk>/edit/", targets.target_edit, name="target_edit"),
    path("targets/<int:pk>/delete/", targets.target_delete, name="target_delete"),
]
