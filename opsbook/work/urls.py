from django.urls import path

from . import views

app_name = "work"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("count/", views.count, name="count"),
    path("workload/", views.load, name="workload"),
]
