"""KPIs name the metrics registry's keys (issue 10): the first release's own keys are rewritten
in place (satisfaction → csat.satisfied_share …), and error_rate, which nothing in Opsbook
measures, becomes "" (the KPI is compared by hand, as it always was). Reversible: going back
maps each registry key to the old one (a KPI that had error_rate stays "")."""

from django.db import migrations, models

# Copied here, not imported: a migration must keep meaning what it meant when written.
RENAMED = {
    "first_contact_resolution": "tickets.first_contact_resolution_rate",
    "response_on_time": "sla.response.met_rate",
    "resolution_on_time": "sla.resolution.met_rate",
    "resolution_rate": "tickets.resolution_rate",
    "on_time_completion": "routines.on_time_rate",
    "satisfaction": "csat.satisfied_share",
    "complaint_rate": "tickets.complaint_rate",
    "follow_up_rate": "complaints.followup_rate",
    "error_rate": "",
    "mean_handling_minutes": "tickets.resolution_time.mean",
    "mean_response_minutes": "tickets.first_response.mean",
}


def _rewrite(apps, mapping: dict[str, str]) -> None:
    Kpi = apps.get_model("catalog", "Kpi")
    for old, new in mapping.items():
        Kpi.objects.filter(metric=old).update(metric=new)


def forwards(apps, schema_editor):
    _rewrite(apps, RENAMED)


def backwards(apps, schema_editor):
    _rewrite(apps, {new: old for old, new in RENAMED.items() if new})


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0007_category_code"),
    ]

    operations = [
        migrations.AlterField(
            model_name="kpi",
            name="metric",
            field=models.CharField(
                blank=True,
                choices=[
                    ("tickets.first_contact_resolution_rate", "First-contact resolution rate"),
                    ("sla.response.met_rate", "Response within SLA rate"),
                    ("sla.resolution.met_rate", "Resolution within SLA rate"),
                    ("tickets.resolution_rate", "Resolution rate"),
                    ("routines.on_time_rate", "On-time completion rate"),
                    ("csat.satisfied_share", "Satisfaction rate"),
                    ("tickets.complaint_rate", "Complaint rate"),
                    ("complaints.followup_rate", "Follow-up rate"),
                    ("tickets.resolution_time.mean", "Mean handling time"),
                    ("tickets.first_response.mean", "Mean response time"),
                ],
                help_text="The metric Opsbook can measure this KPI by; empty: none.",
                max_length=64,
                verbose_name="measured by",
            ),
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
