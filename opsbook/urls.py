from django.contrib import admin
from django.urls import include, path

from opsbook.api import api
from opsbook.portal.views import start

urlpatterns = [
    path("", start, name="home"),
    path("accounts/", include("opsbook.accounts.urls")),
    path("catalog/", include("opsbook.catalog.urls")),
    path("calendars/", include("opsbook.calendars.urls")),
    path("tickets/", include("opsbook.tickets.urls")),
    path("people/", include("opsbook.people.urls")),
    path("routines/", include("opsbook.routines.urls")),
    path("sops/", include("opsbook.sops.urls")),
    path("work/", include("opsbook.work.urls")),
    path("portal/", include("opsbook.portal.urls")),
    path("notifications/", include("opsbook.notify.urls")),
    path("metrics/", include("opsbook.metrics.urls")),
    path("dashboards/", include("opsbook.dashboards.urls")),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("surveys/", include("opsbook.surveys.urls")),
]
urlpatterns += [
    path("goals/", include("opsbook.goals.urls")),
    path("problems/", include("opsbook.problems.urls")),
    path("reports/", include("opsbook.reports.urls")),
]
