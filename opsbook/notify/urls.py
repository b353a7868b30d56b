from django.urls import path

from . import views_channels

app_name = "notify"

urlpatterns = [
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
