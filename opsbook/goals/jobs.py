"""Background job of the goals app: every hour, mirror the checklist's KPIs as goals and
re-evaluate every goal from its metric, so the list's stored status stays fresh. Idempotent
(it only writes derived values and the KPI mirror, which converges), so two runs are harmless."""

from django.tasks import task

from opsbook.jobs.schedule import every

from . import services


@every(hours=1)
@task()
def refresh_goals_task() -> int:
    return services.refresh_goals()
