"""Filled by its module's owner; included by reports/urls.py."""

urlpatterns: list = []
