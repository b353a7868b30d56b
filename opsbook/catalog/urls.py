from django.urls import path

from .views import categories, items, spreadsheets, tree

app_name = "catalog"

urlpatterns = [
    path("", tree.tree, name="tree"),
    path("bulk/", tree.bulk_update, name="bulk"),
    path("items/new/", items.item_create, name="item_create"),
    path("items/<int:pk>/", items.item_detail, name="item"),
    path("items/<int:pk>/edit/", items.item_edit, name="item_edit"),
    path("items/<int:pk>/retire/", items.item_retire, name="item_retire"),
    path("items/<int:pk>/content/new/", items.content_create, name="content_create"),
    path("content/<int:pk>/edit/", items.content_edit, name="content_edit"),
    path("content/<int:pk>/retire/", items.content_retire, name="content_retire"),
    path("frequency/", items.frequency_preview, name="frequency_preview"),
    path("categories/", categories.categories, name="categories"),
    path("categories/<int:pk>/edit/", categories.category_edit, name="category_edit"),
    path("export/", spreadsheets.export, name="export"),
    path("template/", spreadsheets.template, name="template"),
    path("import/", spreadsheets.import_upload, name="import"),
    path("import/preview/", spreadsheets.import_preview, name="import_preview"),
    path("import/owners/", spreadsheets.import_owners, name="import_owners"),
    path("import/confirm/", spreadsheets.import_confirm, name="import_confirm"),
    path("import/cancel/", spreadsheets.import_cancel, name="import_cancel"),
]
