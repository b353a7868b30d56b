from django.urls import path

from . import views

app_name = "routines"

urlpatterns = [
    path("", views.occurrence_list, name="list"),
    path("new/", views.occurrence_new, name="new"),
    path("coverage/", views.coverage_page, name="coverage"),
    path("occurrences/<int:pk>/", views.occurrence_detail, name="occurrence"),
    path("occurrences/<int:pk>/complete/", views.occurrence_complete, name="complete"),
    path("occurrences/<int:pk>/skip/", views.occurrence_skip, name="skip"),
    path("occurrences/<int:pk>/reopen/", views.occurrence_reopen, name="reopen"),
    path("occurrences/<int:pk>/reassign/", views.occurrence_reassign, name="reassign"),
    path("evidence/<uuid:pk>/", views.evidence_download, name="evidence"),
]
