"""Did the action work? Verdicts by the documented rule, measured with the real metrics engine
month by month, once per month, and the latest verdict on the action."""

from datetime import UTC, datetime

import pytest

from opsbook.catalog.testing import make_item
from opsbook.metrics import registry
from opsbook.problems import effects, jobs, services
from opsbook.problems.choices import ActionStatus, Effect
from opsbook.problems.models import ActionEffect

from .factories import at, ticket

COUNT = registry.get("tickets.complaints")  # count, lower is better
RATE = registry.get("tickets.resolution_rate")  # share, higher is better


@pytest.mark.parametrize(
    ("value", "baseline", "expected", "metric", "verdict"),
    [
        (10, 20, -5, COUNT, Effect.MET),
        (16, 20, -5, COUNT, Effect.IMPROVED),
        (20, 20, -5, COUNT, Effect.NO_CHANGE),
        (25, 20, -5, COUNT, Effect.WORSE),
        (None, 20, -5, COUNT, Effect.NO_DATA),
        (10, None, -5, COUNT, Effect.NO_DATA),
        (0.93, 0.90, 0.02, RATE, Effect.MET),
        (0.91, 0.90, 0.02, RATE, Effect.IMPROVED),
        (0.903, 0.90, 0.02, RATE, Effect.NO_CHANGE),
        (0.85, 0.90, 0.02, RATE, Effect.WORSE),
        # Without an expected change the metric's better direction decides; never "met".
        (0.95, 0.90, None, RATE, Effect.IMPROVED),
        (15, 20, None, COUNT, Effect.IMPROVED),
    ],
)
def test_the_verdict_rule(value, baseline, expected, metric, verdict):
    assert effects.judge(value, baseline, expected, metric).verdict == verdict


@pytest.mark.django_db
def test_an_action_is_measured_each_closed_month_once(personas):
    item = make_item(name="校园网络服务", code="NET01")
    # Started in October: September (the baseline month) had 4 complaints; November 2;
    # December 1 (not closed yet at first).
    for day in (3, 5, 8, 12):
        ticket(at(2026, 9, day), item=item, type="complaint")
    for day in (4, 20):
        ticket(at(2026, 11, day), item=item, type="complaint")
    ticket(at(2026, 12, 1), item=item, type="complaint")
    created = datetime(2026, 10, 15, 2, tzinfo=UTC)
    action = services.do_create_action(
        personas.mia,
        title="投诉回访制度",
        metric="tickets.complaints",
        scope={"item": "NET01"},
        expected_change=-2,
        status=ActionStatus.IN_PROGRESS,
        now=created,
    )
    assert (action.baseline, action.baseline_period) == (4, "2026-09")
    now = datetime(2026, 12, 5, 2, tzinfo=UTC)
    assert effects.evaluate_action(action, now) == 1
    assert effects.evaluate_action(action, now) == 0  # idempotent
    effect = ActionEffect.objects.get(action=action)
    assert (effect.period, effect.value, effect.change, effect.verdict) == (
        "2026-11",
        2,
        -2,
        Effect.MET,
    )
    action.refresh_from_db()
    assert action.effect == Effect.MET
    # The job measures every action; a planned one is not measured.
    planned = services.do_create_action(
        personas.mia, title="未开始", metric="tickets.complaints", now=created
    )
    assert jobs.effects.evaluate_actions(datetime(2027, 1, 5, 2, tzinfo=UTC)) == 1
    assert list(action.effects.values_list("period", "verdict")) == [
        ("2026-11", Effect.MET),
        ("2026-12", Effect.MET),
    ]
    assert not planned.effects.exists()
