from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("mine/", views.mine, name="mine"),
    path("trends/", views.trends, name="trends"),
    path("drill/", views.drill_page, name="drill"),
]
