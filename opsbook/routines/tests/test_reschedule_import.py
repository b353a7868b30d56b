"""Importing a checklist reschedules once per transaction, not once per row."""

from datetime import date

import pytest
from django_tasks_db.models import DBTaskResult

from opsbook.catalog.tests.excel_helpers import row, run, table, xlsx
from opsbook.jobs.testing import run_queued_tasks
from opsbook.routines.models import Occurrence
from opsbook.routines.testing import at, make_office_calendar

pytestmark = pytest.mark.django_db

NOW = at(date(2026, 9, 14), 8)


def rows(count: int, frequency: str) -> list[dict]:
    return [
        row(
            一级分类="客户服务",
            服务项目=f"服务{n // 5}",
            服务内容=f"内容{n}",
            服务频率=frequency,
            责任人="alice",
            状态="启用",
        )
        for n in range(count)
    ]


def test_an_import_of_many_rows_enqueues_one_rescheduling_job(
    personas, time_machine, database_tasks, django_capture_on_commit_callbacks, settings
):
    settings.ROUTINES_HORIZON_DAYS = 14
    time_machine.move_to(NOW, tick=False)
    make_office_calendar()
    personas.alice  # noqa: B018 (the owner the file names)

    with django_capture_on_commit_callbacks(execute=True):
        report = run(xlsx(table(rows(40, "每周一"))))
    assert report.ok, report.problems

    jobs = DBTaskResult.objects.filter(task_path__endswith="reschedule_contents_task")
    assert jobs.count() == 1
    run_queued_tasks()
    assert Occurrence.objects.count() == 80
    assert set(Occurrence.objects.values_list("assignee__username", flat=True)) == {"alice"}

    # Importing the file again with another frequency: one more job, which moves every row.
    with django_capture_on_commit_callbacks(execute=True):
        report = run(xlsx(table(rows(40, "每周三"))))
    assert report.ok, report.problems
    assert jobs.count() == 2
    run_queued_tasks()
    assert set(Occurrence.objects.values_list("due_on", flat=True)) == {
        date(2026, 9, 16),
        date(2026, 9, 23),
    }
