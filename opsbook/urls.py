from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from opsbook.api import api

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="catalog:tree", permanent=False)),
    path("accounts/", include("opsbook.accounts.urls")),
    path("catalog/", include("opsbook.catalog.urls")),
    path("calendars/", include("opsbook.calendars.urls")),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
