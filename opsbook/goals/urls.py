from django.urls import path

from . import views

app_name = "goals"

urlpatterns = [
    path("", views.goal_list, name="list"),
    path("new/", views.goal_create, name="new"),
    path("refresh/", views.goal_refresh, name="refresh"),
    path("<int:pk>/", views.goal_detail, name="detail"),
    path("<int:pk>/edit/", views.goal_edit, name="edit"),
    path("<int:pk>/checkpoints/", views.checkpoint_add, name="checkpoint_add"),
    path("checkpoints/<int:pk>/note/", views.checkpoint_note, name="checkpoint_note"),
]
