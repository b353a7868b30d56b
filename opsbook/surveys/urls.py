from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("", views.survey_list, name="list"),
    path("new/", views.survey_new, name="new"),
    path("<int:pk>/", views.survey_detail, name="detail"),
    path("<int:pk>/edit/", views.survey_edit, name="edit"),
    path("<int:pk>/questions/", views.question_add, name="question_add"),
    path(
        "<int:pk>/questions/<int:question_pk>/delete/",
        views.question_delete,
        name="question_delete",
    ),
    path("<int:pk>/new-version/", views.survey_new_version, name="new_version"),
    path("<int:pk>/campaigns/new/", views.campaign_new, name="campaign_new"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign"),
    path("campaigns/<int:pk>/send/", views.campaign_send, name="campaign_send"),
    path("campaigns/<int:pk>/responses/", views.campaign_responses, name="responses"),
    path("campaigns/<int:pk>/export/", views.campaign_export, name="export"),
    path("metric-rows/", views.metric_rows, name="metric_rows"),
]
