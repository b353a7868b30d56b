from django.urls import path

from .views import (
    actions,
    attachments,
    autocomplete,
    bulk,
    defaults,
    detail,
    export,
    follow_ups,
    listing,
    new,
    saved_filters,
)

app_name = "tickets"

urlpatterns = [
    path("", listing.ticket_list, name="list"),
    path("bulk/", bulk.bulk, name="bulk"),
    path("export/", export.ticket_export, name="export"),
    path("exports/<uuid:pk>/", export.export_job, name="export_job"),
    path("exports/<uuid:pk>/download/", export.export_download, name="export_download"),
    path("filters/save/", saved_filters.saved_filter_save, name="saved_filter_save"),
    path("filters/<int:pk>/delete/", saved_filters.saved_filter_delete, name="saved_filter_delete"),
    path("new/", new.ticket_new, name="new"),
    path("sla-defaults/", defaults.default_targets, name="default_targets"),
    path("follow-ups/", follow_ups.follow_up_list, name="follow_ups"),
    path("<int:pk>/", detail.ticket_detail, name="detail"),
    path("<int:pk>/edit/", actions.ticket_edit, name="edit"),
    path("<int:pk>/reply/", actions.ticket_reply, name="reply"),
    path("<int:pk>/status/", actions.ticket_status, name="status"),
    path("<int:pk>/assign/", actions.ticket_assign, name="assign"),
    path("<int:pk>/watchers/", actions.ticket_watchers, name="watchers"),
    path("<int:pk>/root-cause/", actions.ticket_root_cause, name="root_cause"),
    path("<int:pk>/follow-ups/", actions.ticket_follow_up, name="follow_up"),
    path(
        "<int:pk>/corrections/root-cause/",
        actions.ticket_correct_root_cause,
        name="correct_root_cause",
    ),
    path(
        "<int:pk>/corrections/follow-up/",
        actions.ticket_correct_follow_up,
        name="correct_follow_up",
    ),
    path("<int:pk>/attachments/", actions.ticket_attachments, name="attachments"),
    path("attachments/<uuid:pk>/", attachments.attachment, name="attachment"),
    path("autocomplete/items/", autocomplete.autocomplete_items, name="autocomplete_items"),
    path(
        "autocomplete/customers/",
        autocomplete.autocomplete_customers,
        name="autocomplete_customers",
    ),
    path("autocomplete/users/", autocomplete.autocomplete_users, name="autocomplete_users"),
]
