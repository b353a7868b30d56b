"""do_create_goal, do_update_goal, do_add_checkpoint, do_note_checkpoint: permissions, input
checks (nothing written on bad input), audit entries, and the stored evaluation."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from opsbook.audit.models import AuditEntry
from opsbook.goals import services
from opsbook.goals.choices import GoalStatus
from opsbook.goals.models import Goal, GoalCheckpoint
from opsbook.goals.spec import GoalSpec

from .conftest import COUNT, NOW, RATE
from .helpers import make_goal

pytestmark = pytest.mark.django_db


def spec(**values: Any) -> GoalSpec:
    base: dict[str, Any] = dict(
        title="热线首次响应及时率提升到98%",
        description="客服部热线工单的首次响应及时率从92%提升到98%。",
        metric=RATE.key,
        baseline=0.92,
        target=0.98,
        start=date(2026, 10, 1),
        deadline=date(2026, 12, 31),
    )
    return GoalSpec(**(base | values))


def test_a_manager_sets_a_goal_that_is_audited_and_evaluated(personas, fake_metric):
    fake_metric.values["2026-10"] = 0.95

    goal = services.do_create_goal(
        personas.mia,
        spec(owner=personas.alice, scope={"team": "客服部"}),
        checkpoints=[(date(2026, 11, 30), 0.96, "")],
        now=NOW,
    )

    goal.refresh_from_db()
    assert goal.created_by == personas.mia and goal.owner == personas.alice
    assert goal.status == GoalStatus.ON_TRACK and goal.current_value == 0.95
    assert goal.progress == pytest.approx(0.5) and goal.evaluated_at == NOW
    assert list(goal.checkpoints.values_list("date", "expected")) == [(date(2026, 11, 30), 0.96)]
    entry = AuditEntry.objects.for_object(goal).get()
    assert entry.actor == personas.mia and entry.action == "create"
    assert entry.changes["target"] == 0.98 and entry.changes["scope"] == {"team": "客服部"}


def test_the_baseline_is_read_from_the_metric_when_only_its_period_is_given(personas, fake_metric):
    fake_metric.values["2026-09"] = 0.915

    goal = services.do_create_goal(
        personas.mia, spec(baseline=None, baseline_period="2026-09"), now=NOW
    )

    assert goal.baseline == 0.915 and goal.baseline_period == "2026-09"


def test_the_start_defaults_to_today_in_shanghai(personas, fake_metric):
    late_evening_utc = NOW.replace(hour=17)  # 01:00 on 11 November in Shanghai
    goal = services.do_create_goal(personas.mia, spec(start=None), now=late_evening_utc)
    assert goal.start == date(2026, 11, 11)


@pytest.mark.parametrize("who", ["alice", "vera", "dana"])
def test_only_managers_set_goals(personas, fake_metric, who):
    with pytest.raises(PermissionDenied):
        services.do_create_goal(getattr(personas, who), spec(), now=NOW)
    assert not Goal.objects.exists()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "a\x00b"}, "title"),
        ({"metric": "tickets.nonsense"}, "metric"),
        ({"scope": {"planet": "mars"}}, "scope"),
        ({"scope": {"customer": "acme"}}, "scope"),  # the metric cannot be cut by customer
        ({"scope": {"item": ""}}, "scope"),
        ({"scope": ["item"]}, "scope"),
        ({"target": 98}, "target"),  # a share is 0–1
        ({"baseline": -0.1}, "baseline"),
        ({"target": float("nan")}, "target"),
        ({"baseline_period": "last spring"}, "baseline_period"),
        ({"direction": "sideways"}, "direction"),
        ({"deadline": date(2026, 9, 30)}, "deadline"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(personas, fake_metric, values, field):
    with pytest.raises(ValidationError) as caught:
        services.do_create_goal(personas.mia, spec(**values), now=NOW)
    assert field in caught.value.message_dict
    assert not Goal.objects.exists() and not AuditEntry.objects.exists()


def test_a_count_cannot_be_negative_and_a_customer_cannot_own_a_goal(personas, fake_metric):
    with pytest.raises(ValidationError):
        services.do_create_goal(
            personas.mia, spec(metric=COUNT.key, baseline=None, target=-5), now=NOW
        )
    with pytest.raises(ValidationError) as caught:
        services.do_create_goal(personas.mia, spec(owner=personas.dana), now=NOW)
    assert "owner" in caught.value.message_dict


def test_two_checkpoints_on_one_day_are_refused(personas, fake_metric):
    with pytest.raises(ValidationError):
        services.do_create_goal(
            personas.mia,
            spec(),
            checkpoints=[(date(2026, 11, 1), 0.94, ""), (date(2026, 11, 1), 0.95, "")],
            now=NOW,
        )
    assert not Goal.objects.exists()


def test_a_weak_goal_is_saved_all_the_same(personas, fake_metric):
    goal = services.do_create_goal(personas.mia, GoalSpec(title="提升满意度"), now=NOW)
    assert goal.metric == "" and goal.deadline is None
    assert goal.status == GoalStatus.NO_DATA


def test_an_update_audits_what_changed_only(personas, fake_metric):
    goal = make_goal(personas.alice)
    later = NOW + timedelta(days=1)

    services.do_update_goal(personas.mia, goal, {"target": 0.97, "title": goal.title}, now=later)
    services.do_update_goal(personas.mia, goal, {"target": 0.97}, now=later)

    goal.refresh_from_db()
    assert goal.target == 0.97 and goal.updated_at == later
    updates = AuditEntry.objects.for_object(goal).filter(action="update")
    assert [e.changes for e in updates] == [{"target": [0.98, 0.97]}]


def test_an_update_with_bad_input_changes_nothing(personas, fake_metric):
    goal = make_goal(personas.alice)
    with pytest.raises(ValidationError):
        services.do_update_goal(personas.mia, goal, {"target": 0.99, "deadline": date(2020, 1, 1)})
    goal.refresh_from_db()
    assert goal.target == 0.98
    with pytest.raises(ValidationError):
        services.do_update_goal(personas.mia, goal, {"created_by": personas.mia})
    with pytest.raises(PermissionDenied):
        services.do_update_goal(personas.alice, goal, {"target": 0.99})


def test_checkpoints_are_added_by_managers_and_noted_by_the_owner(personas, fake_metric):
    goal = make_goal(personas.alice)

    checkpoint = services.do_add_checkpoint(
        personas.mia, goal, day=date(2026, 11, 30), expected=0.96, now=NOW
    )
    services.do_note_checkpoint(personas.alice, checkpoint, "十一月排班调整后回升", now=NOW)

    checkpoint.refresh_from_db()
    assert checkpoint.note == "十一月排班调整后回升" and checkpoint.noted_by == personas.alice
    entries = AuditEntry.objects.for_object(checkpoint).order_by("pk")
    assert [e.action for e in entries] == ["create", "update"]
    assert entries[0].parent_id == str(goal.pk)
    with pytest.raises(PermissionDenied):
        services.do_add_checkpoint(personas.alice, goal, day=date(2026, 12, 1), expected=0.97)
    with pytest.raises(PermissionDenied):
        services.do_note_checkpoint(personas.bob, checkpoint, "不是我的目标")
    with pytest.raises(ValidationError):
        services.do_add_checkpoint(personas.mia, goal, day=date(2026, 11, 30), expected=0.9)
    with pytest.raises(ValidationError):
        services.do_add_checkpoint(personas.mia, goal, day=date(2026, 12, 15), expected=1.5)
    assert GoalCheckpoint.objects.count() == 1
