"""The customer's dashboard (included by ``portal/urls.py`` as ``portal:dashboard:*``: its own
namespace, like the portal's surveys, so the tickets' permission matrix covers the portal's own
pages and each feature's tests cover theirs)."""

from django.urls import path

from . import dashboard

app_name = "dashboard"
urlpatterns = [
    path("", dashboard.dashboard, name="overview"),
    path("drill/", dashboard.dashboard_drill, name="drill"),
]
