"""Overdue actions tell their owner once per due date; the jobs run twice without doubling."""

from datetime import UTC, date, datetime

import pytest

from opsbook.jobs.schedule import Daily, registry
from opsbook.notify.choices import Event
from opsbook.notify.models import Notification
from opsbook.problems import jobs, services
from opsbook.problems.choices import ActionStatus

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 12, 3, 1, tzinfo=UTC)  # 09:00 in Shanghai


def test_an_overdue_action_notifies_its_owner_once_per_due_date(personas):
    problem = services.do_create_problem(personas.mia, title="宿舍无线掉线", now=NOW)
    action = services.do_create_action(
        personas.mia,
        problem=problem,
        title="更换老旧AP",
        owner=personas.alice,
        due=date(2026, 12, 1),
        now=NOW,
    )
    services.do_create_action(
        personas.mia, title="未到期", owner=personas.bob, due=date(2026, 12, 3), now=NOW
    )
    services.do_create_action(
        personas.mia,
        title="已完成",
        owner=personas.bob,
        due=date(2026, 11, 1),
        status=ActionStatus.DONE,
        now=NOW,
    )
    assert jobs.notify_overdue(NOW) == 1
    assert jobs.notify_overdue(NOW) == 0
    note = Notification.objects.get()
    assert (note.user, note.event) == (personas.alice, Event.ACTION_OVERDUE)
    assert "更换老旧AP" in note.title and "2026-12-01" in note.body
    assert note.link == f"/problems/actions/{action.pk}/"
    # A new due date that passes is told again.
    action = services.do_update_action(
        personas.mia, action, {"due": date(2026, 12, 2)}, version=action.version, now=NOW
    )
    assert jobs.notify_overdue(NOW) == 1
    assert Notification.objects.filter(user=personas.alice).count() == 2


def test_the_tasks_are_scheduled_daily():
    names = {entry.name for entry in registry if isinstance(entry.spec, Daily)}
    assert any("notify_overdue_actions_task" in n for n in names)
    assert any("evaluate_action_effects_task" in n for n in names)
