from django.urls import path

from . import views

app_name = "tickets"

urlpatterns = [
    path("", views.ticket_list, name="list"),
    path("bulk/", views.bulk, name="bulk"),
    path("filters/save/", views.saved_filter_save, name="saved_filter_save"),
    path("filters/<int:pk>/delete/", views.saved_filter_delete, name="saved_filter_delete"),
    path("new/", views.ticket_new, name="new"),
    path("<int:pk>/", views.ticket_detail, name="detail"),
    path("<int:pk>/edit/", views.ticket_edit, name="edit"),
    path("<int:pk>/reply/", views.ticket_reply, name="reply"),
    path("<int:pk>/status/", views.ticket_status, name="status"),
    path("<int:pk>/assign/", views.ticket_assign, name="assign"),
    path("<int:pk>/watchers/", views.ticket_watchers, name="watchers"),
    path("<int:pk>/root-cause/", views.ticket_root_cause, name="root_cause"),
    path("<int:pk>/follow-ups/", views.ticket_follow_up, name="follow_up"),
    path("<int:pk>/attachments/", views.ticket_attachments, name="attachments"),
    path("attachments/<uuid:pk>/", views.attachment, name="attachment"),
    path("autocomplete/items/", views.autocomplete_items, name="autocomplete_items"),
    path("autocomplete/customers/", views.autocomplete_customers, name="autocomplete_customers"),
    path("autocomplete/users/", views.autocomplete_users, name="autocomplete_users"),
]
