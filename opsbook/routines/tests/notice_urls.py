"""The one URL notices link to, for tests of this branch's jobs alone: the real page is
``routines:occurrence`` in opsbook/routines/urls.py (the routines pages); with both merged,
``pytest.mark.urls`` on these tests may go. (Not the site's URL map: the layers forbid it.)"""

from django.http import HttpResponse
from django.urls import include, path


def _page(request, pk):
    return HttpResponse(str(pk))


routines = (
    [path("occurrences/<int:pk>/", _page, name="occurrence")],
    "routines",
)

urlpatterns = [path("routines/", include(routines))]
