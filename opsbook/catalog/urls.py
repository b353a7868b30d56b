from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("", views.tree, name="tree"),
    path("bulk/", views.bulk_update, name="bulk"),
    path("items/new/", views.item_create, name="item_create"),
    path("items/<int:pk>/", views.item_detail, name="item"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:pk>/retire/", views.item_retire, name="item_retire"),
    path("items/<int:pk>/content/new/", views.content_create, name="content_create"),
    path("content/<int:pk>/edit/", views.content_edit, name="content_edit"),
    path("content/<int:pk>/retire/", views.content_retire, name="content_retire"),
    path("frequency/", views.frequency_preview, name="frequency_preview"),
    path("categories/", views.categories, name="categories"),
    path("categories/<int:pk>/edit/", views.category_edit, name="category_edit"),
    path("export/", views.export, name="export"),
    path("template/", views.template, name="template"),
    path("import/", views.import_upload, name="import"),
    path("import/preview/", views.import_preview, name="import_preview"),
    path("import/confirm/", views.import_confirm, name="import_confirm"),
    path("import/cancel/", views.import_cancel, name="import_cancel"),
]
