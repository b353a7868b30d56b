from django.urls import path

from . import views_channels, views_inbox, views_preferences, views_rules

app_name = "notify"

urlpatterns = [
    # --- The inbox, one's own settings and the rules (inbox) ---
    path("", views_inbox.inbox, name="inbox"),
    path("<int:pk>/read/", views_inbox.mark_read, name="read"),
    path("<int:pk>/open/", views_inbox.open_entry, name="open"),
    path("read-all/", views_inbox.mark_all_read, name="read_all"),
    path("preferences/", views_preferences.preferences, name="preferences"),
    path("rules/", views_rules.rule_list, name="rules"),
    path("rules/new/", views_rules.rule_new, name="rule_new"),
    path("rules/<int:pk>/", views_rules.rule_edit, name="rule_edit"),
    path("rules/<int:pk>/delete/", views_rules.rule_delete, name="rule_delete"),
    path("rules/<int:pk>/test/", views_rules.rule_test, name="rule_test"),
    # --- end of the inbox block ---
    # --- delivery: chat channels, deliveries, allowed hosts (views_channels) ---------------
    path("channels/", views_channels.channel_list, name="channels"),
    path("channels/new/", views_channels.channel_new, name="channel_new"),
    path("channels/<int:pk>/", views_channels.channel_edit, name="channel_edit"),
    path("channels/<int:pk>/delete/", views_channels.channel_delete, name="channel_delete"),
    path("channels/<int:pk>/test/", views_channels.channel_test, name="channel_test"),
    path("deliveries/", views_channels.delivery_list, name="deliveries"),
    path("deliveries/<int:pk>/status/", views_channels.delivery_status, name="delivery_status"),
    path("deliveries/<int:pk>/resend/", views_channels.delivery_resend, name="delivery_resend"),
    path("allowed-hosts/", views_channels.allowed_hosts, name="allowed_hosts"),
    path(
        "allowed-hosts/<int:pk>/delete/",
        views_channels.allowed_host_delete,
        name="allowed_host_delete",
    ),
    # --- end of delivery ---------------------------------------------------------------------
]
