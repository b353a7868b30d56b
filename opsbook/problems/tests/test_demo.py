"""The demo's problems and actions, over the demo's tickets and their history."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from opsbook.accounts.demo import load_people
from opsbook.calendars.demo import load_calendar
from opsbook.catalog.demo import load_checklist
from opsbook.metrics.periods import month
from opsbook.problems import demo, reporting
from opsbook.problems.choices import ActionStatus, ProblemSource
from opsbook.problems.models import Action, ActionEffect, Problem
from opsbook.tickets.demo import load_demo_history, load_demo_tickets

NOW = datetime(2026, 12, 6, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
pytestmark = pytest.mark.django_db


def test_the_demo_raises_problems_and_actions_once(time_machine):
    time_machine.move_to(NOW, tick=False)
    people = load_people()
    load_checklist(None, people.users, people.teams, timezone.localdate(NOW))
    load_calendar(None)
    load_demo_tickets()
    load_demo_history(NOW)

    assert demo.load_demo(now=NOW) == 5
    assert demo.load_demo(now=NOW) == 5
    assert Action.objects.count() == 6
    assert Problem.objects.filter(source=ProblemSource.COMPLAINT).count() >= 2
    assert all(p.tickets.exists() for p in Problem.objects.all())
    assert Action.objects.filter(status=ActionStatus.DONE).count() == 3
    overdue = Action.objects.filter(status=ActionStatus.PLANNED, due__lt=NOW.date())
    assert overdue.count() == 1
    assert ActionEffect.objects.filter(action__status=ActionStatus.DONE).exists()
    # The report reads them.
    november = month(2026, 11)
    assert reporting.problem_lines(november, {})
    assert reporting.action_lines(november, {})
    assert reporting.complaint_causes(november, {})
