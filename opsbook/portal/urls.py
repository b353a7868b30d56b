from django.urls import include, path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.new_ticket, name="new"),
    path("new/promise/", views.promise, name="promise"),
    path("tickets/<int:pk>/", views.ticket_detail, name="ticket"),
    path("tickets/<int:pk>/reply/", views.reply, name="reply"),
    path("tickets/<int:pk>/rating/", views.rate_ticket, name="rate_ticket"),
    path("files/<uuid:pk>/", views.attachment, name="attachment"),
    path("rate/<str:token>/", views.rate, name="rate"),
    path("feedback/", views.feedback, name="feedback"),
    path("feedback/thanks/", views.feedback_done, name="feedback_done"),
    path("dashboard/", include("opsbook.portal.dashboard_urls")),
    path("", include("opsbook.portal.urls_surveys")),
    path("", include("opsbook.portal.urls_reports")),
]
