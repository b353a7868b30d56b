"""Seed the default notification rules, so that a fresh install notifies sensibly.

An event that already has a rule (any rule, active or not) is left alone, so running this on a
database where managers changed the rules changes nothing. Reversing deletes only rules that
still look exactly as seeded."""

from django.db import migrations

# (event, audience): inbox and e-mail for each.
DEFAULT_RULES = [
    ("ticket_assigned", "assignee"),
    ("sla_warning", "assignee"),
    ("sla_breach", "assignee"),
    ("sla_breach", "team_lead"),
    ("complaint_received", "team_lead"),
    ("complaint_received", "managers"),
    ("occurrence_due", "owners"),
    ("occurrence_overdue", "owners"),
    ("occurrence_overdue", "team_lead"),
    ("followup_due", "assignee"),
    ("followup_overdue", "team_lead"),
    ("low_rating", "team_lead"),
    ("sop_step_overdue", "assignee"),
    ("sop_step_overdue", "team_lead"),
]


def seed(apps, schema_editor):
    Rule = apps.get_model("notify", "Rule")
    taken = set(Rule.objects.values_list("event", flat=True))
    Rule.objects.bulk_create(
        Rule(event=event, audience=audience, in_app=True, email=True, is_active=True)
        for event, audience in DEFAULT_RULES
        if event not in taken
    )


def unseed(apps, schema_editor):
    Rule = apps.get_model("notify", "Rule")
    for event, audience in DEFAULT_RULES:
        Rule.objects.filter(
            event=event,
            audience=audience,
            in_app=True,
            email=True,
            channel__isnull=True,
            is_active=True,
        ).delete()


class Migration(migrations.Migration):
    dependencies = [("notify", "0002_event_digest")]

    operations = [migrations.RunPython(seed, unseed)]
