"""The routines' periodic jobs and the `opsbook routines` command."""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from opsbook.jobs.schedule import Daily, Every, registry
from opsbook.routines import jobs
from opsbook.routines.choices import OccurrenceStatus
from opsbook.routines.models import Occurrence
from opsbook.routines.testing import at, make_occurrence, make_office_calendar, make_routine

pytestmark = pytest.mark.django_db

NOW = at(date(2026, 9, 14), 8)


def test_generation_runs_daily_and_the_checks_every_few_minutes():
    by_task = {schedule.task.module_path: schedule.spec for schedule in registry}

    assert isinstance(by_task["opsbook.routines.jobs.generate_occurrences_task"], Daily)
    assert isinstance(by_task["opsbook.routines.jobs.mark_missed_task"], Every)
    assert isinstance(by_task["opsbook.routines.jobs.notify_occurrences_task"], Every)


def test_the_daily_job_generates_from_the_clock(personas, time_machine, settings):
    settings.ROUTINES_HORIZON_DAYS = 7
    time_machine.move_to(NOW, tick=False)
    make_office_calendar()
    make_routine(personas.alice, frequency_text="每周一")

    result = jobs.generate_occurrences_task.enqueue().return_value

    assert result["created"] == 1
    assert Occurrence.objects.get().due_on == date(2026, 9, 14)


def test_the_missed_job_marks_ended_periods(personas, time_machine):
    make_office_calendar()
    occurrence = make_occurrence(make_routine(personas.alice), date(2026, 9, 14))
    time_machine.move_to(at(date(2026, 9, 16), 1), tick=False)

    assert jobs.mark_missed_task.enqueue().return_value == 1
    occurrence.refresh_from_db()
    assert occurrence.status == OccurrenceStatus.MISSED


def test_the_command_counts_in_a_dry_run_and_writes_nothing(personas, time_machine, settings):
    settings.ROUTINES_HORIZON_DAYS = 14
    time_machine.move_to(NOW, tick=False)
    make_office_calendar()
    make_routine(personas.alice, frequency_text="每周一")
    out = StringIO()

    call_command("routines", "generate", "--dry-run", "--json", stdout=out)

    assert json.loads(out.getvalue())["created"] == 2
    assert not Occurrence.objects.exists()


def test_the_command_generates_and_says_how_many(personas, time_machine, settings):
    settings.ROUTINES_HORIZON_DAYS = 14
    time_machine.move_to(NOW, tick=False)
    make_office_calendar()
    make_routine(personas.alice, frequency_text="每周一")
    make_routine(personas.alice, frequency_text="每周二", status="draft")
    out = StringIO()

    call_command("routines", "generate", stdout=out)
    call_command("routines", "generate", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines == [
        "Created 2, updated 0, cancelled 0 occurrence(s) for 1 content(s).",
        "Created 0, updated 0, cancelled 0 occurrence(s) for 1 content(s).",
    ]
