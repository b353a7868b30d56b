from django.urls import path

from . import views_inbox, views_preferences, views_rules

app_name = "notify"

urlpatterns = [
    # --- The inbox, one's own settings and the rules (inbox) ---
    path("", views_inbox.inbox, name="inbox"),
    path("<int:pk>/read/", views_inbox.mark_read, name="read"),
    path("<int:pk>/open/", views_inbox.open_entry, name="open"),
    path("read-all/", views_inbox.mark_all_read, name="read_all"),
    path("preferences/", views_preferences.preferences, name="preferences"),
    path("rules/", views_rules.rule_list, name="rules"),
    path("rules/new/", views_rules.rule_new, name="rule_new"),
    path("rules/<int:pk>/", views_rules.rule_edit, name="rule_edit"),
    path("rules/<int:pk>/delete/", views_rules.rule_delete, name="rule_delete"),
    path("rules/<int:pk>/test/", views_rules.rule_test, name="rule_test"),
    # --- end of the inbox block ---
]
