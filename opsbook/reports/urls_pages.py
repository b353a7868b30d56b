"""The report's pages and the template editor (included by reports/urls.py)."""

from django.urls import path

from .views import pages, template_editor

urlpatterns = [
    path("", pages.report_list, name="list"),
    path("new/", pages.report_create, name="new"),
    path("<int:pk>/", pages.report_detail, name="detail"),
    path("<int:pk>/rebuild/", pages.report_rebuild, name="rebuild"),
    path("<int:pk>/versions/<int:number>/", pages.report_version, name="version"),
    path("<int:pk>/sections/<slug:key>/", pages.section_show, name="section_show"),
    path("<int:pk>/sections/<slug:key>/edit/", pages.section_edit, name="section_edit"),
    path("<int:pk>/sections/<slug:key>/reset/", pages.section_reset, name="section_reset"),
    path("<int:pk>/sections/<slug:key>/ready/", pages.section_ready, name="section_ready"),
    path("templates/", template_editor.template_list, name="templates"),
    path("templates/import/", template_editor.template_import, name="template_import"),
    path("templates/<int:pk>/", template_editor.template_edit, name="template_edit"),
    path("templates/<int:pk>/delete/", template_editor.template_delete, name="template_delete"),
    path("templates/<int:pk>/export/", template_editor.template_export, name="template_export"),
    path("templates/<int:pk>/sections/", template_editor.section_add, name="template_section_add"),
    path(
        "templates/<int:pk>/sections/<int:section_pk>/",
        template_editor.section_save,
        name="template_section_save",
    ),
    path(
        "templates/<int:pk>/sections/<int:section_pk>/move/",
        template_editor.section_move,
        name="template_section_move",
    ),
    path(
        "templates/<int:pk>/sections/<int:section_pk>/delete/",
        template_editor.section_delete,
        name="template_section_delete",
    ),
    path(
        "templates/<int:pk>/sections/<int:section_pk>/blocks/",
        template_editor.block_add,
        name="template_block_add",
    ),
    path(
        "templates/<int:pk>/sections/<int:section_pk>/blocks/<int:index>/",
        template_editor.block_save,
        name="template_block_save",
    ),
]
