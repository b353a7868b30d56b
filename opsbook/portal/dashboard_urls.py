"""The customer's dashboard (included by ``portal/urls.py``, names in the portal's namespace)."""

from django.urls import path

from . import dashboard

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("drill/", dashboard.dashboard_drill, name="dashboard_drill"),
]
