"""Seed the organisation's default SLA targets, so every ticket has a clock from the start.

Business time on the default calendar (a working day is taken as 8 business hours): a complaint
is answered within 1 business hour (30 minutes when urgent); incidents and requests by priority;
suggestions are acknowledged within a working day and have no resolution target. Managers change
them on the "Default SLA targets" page. Existing rows are left alone (a re-run adds none).
"""

from django.db import migrations

H = 60
DAY = 8 * H  # one working day of business time

# type → priority → (response minutes, resolution minutes)
SEED = {
    "complaint": {
        "urgent": (30, 4 * H),
        "high": (1 * H, DAY),
        "normal": (1 * H, 2 * DAY),
        "low": (1 * H, 3 * DAY),
    },
    "incident": {
        "urgent": (15, 4 * H),
        "high": (30, DAY),
        "normal": (2 * H, 2 * DAY),
        "low": (4 * H, 5 * DAY),
    },
    "consultation": {
        "urgent": (30, DAY),
        "high": (1 * H, 2 * DAY),
        "normal": (4 * H, 3 * DAY),
        "low": (DAY, 5 * DAY),
    },
    "suggestion": {
        "urgent": (4 * H, None),
        "high": (DAY, None),
        "normal": (DAY, None),
        "low": (2 * DAY, None),
    },
}


def seed(apps, schema_editor):
    DefaultTarget = apps.get_model("tickets", "DefaultTarget")
    existing = set(DefaultTarget.objects.values_list("type", "priority"))
    DefaultTarget.objects.bulk_create(
        DefaultTarget(
            type=ticket_type,
            priority=priority,
            response_minutes=response,
            resolution_minutes=resolution,
            time_basis="business",
        )
        for ticket_type, by_priority in SEED.items()
        for priority, (response, resolution) in by_priority.items()
        if (ticket_type, priority) not in existing
    )


def unseed(apps, schema_editor):
    apps.get_model("tickets", "DefaultTarget").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("tickets", "0003_default_targets_and_corrections")]

    operations = [migrations.RunPython(seed, unseed)]
