"""The workflow's pages (``views/workflow.py``); included by reports/urls.py."""

from django.urls import path

from .views import workflow

urlpatterns = [
    path("<int:pk>/submit/", workflow.submit, name="submit"),
    path("<int:pk>/return/", workflow.return_report, name="return"),
    path("<int:pk>/comments/", workflow.comment, name="comment"),
    path("<int:pk>/approve/", workflow.approve, name="approve"),
    path("<int:pk>/publish/", workflow.publish, name="publish"),
    path("<int:pk>/correct/", workflow.correct, name="correct"),
    path("<int:pk>/versions/<int:number>/feedback/", workflow.feedback, name="feedback"),
    path("templates/<int:pk>/recipients/", workflow.recipients, name="recipients"),
    path("governance/", workflow.governance_page, name="governance"),
]
