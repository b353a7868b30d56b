"""The SMART check: a pure function over a goal's facts, each finding with a severity."""

from dataclasses import replace
from datetime import date

import pytest

from opsbook.goals.choices import Severity
from opsbook.goals.smart import Facts, check, worst
from opsbook.metrics.models import Direction
from opsbook.metrics.registry import Metric, Unit

RATE = Metric(
    key="sla.response.met_rate",
    name="首次响应及时率",
    unit=Unit.RATIO,
    higher_is_better=True,
    definition="",
    dimensions=frozenset({"item", "team"}),
)
COMPLAINTS = Metric(
    key="tickets.complaint_rate",
    name="投诉率",
    unit=Unit.RATIO,
    higher_is_better=False,
    definition="",
)
VOLUME = Metric(
    key="tickets.created", name="工单量", unit=Unit.COUNT, higher_is_better=None, definition=""
)

GOOD = Facts(
    title="热线首次响应及时率提升到98%",
    description="客服一组的热线工单首次响应及时率从92%提升到98%，年底前达成。",
    metric_key=RATE.key,
    metric=RATE,
    baseline=0.92,
    target=0.98,
    direction=Direction.AT_LEAST,
    start=date(2026, 10, 1),
    deadline=date(2026, 12, 31),
    has_owner=True,
    created_on=date(2026, 10, 1),
    checkpoints=(date(2026, 11, 30),),
)


def codes(facts: Facts) -> list[str]:
    return [f.code for f in check(facts)]


def test_a_complete_goal_has_no_findings():
    assert check(GOOD) == []
    assert worst(check(GOOD)) is None


@pytest.mark.parametrize(
    ("change", "code", "severity"),
    [
        ({"metric_key": "", "metric": None}, "no_metric", Severity.ERROR),
        ({"metric_key": "tickets.gone", "metric": None}, "unknown_metric", Severity.ERROR),
        ({"target": None}, "no_target", Severity.ERROR),
        ({"baseline": None}, "no_baseline", Severity.WARNING),
        ({"has_owner": False}, "no_owner", Severity.ERROR),
        ({"deadline": None}, "no_deadline", Severity.ERROR),
        ({"title": "提升"}, "vague_title", Severity.WARNING),
        ({"title": "   ab  "}, "vague_title", Severity.WARNING),
        ({"description": ""}, "no_description", Severity.WARNING),
        ({"description": "  \n "}, "no_description", Severity.WARNING),
        ({"description": "提高及时率"}, "no_description", Severity.WARNING),
        ({"target": 0.92}, "target_not_better", Severity.ERROR),
        ({"target": 0.90}, "target_not_better", Severity.ERROR),
        (
            {"direction": Direction.AT_MOST, "target": 0.90},
            "direction_against_metric",
            Severity.WARNING,
        ),
        ({"checkpoints": (date(2027, 1, 15),)}, "checkpoint_after_deadline", Severity.WARNING),
        ({"checkpoints": (date(2026, 9, 15),)}, "checkpoint_before_start", Severity.WARNING),
        ({"created_on": date(2027, 1, 2)}, "deadline_passed", Severity.WARNING),
        (
            {"checkpoints": (), "deadline": date(2027, 6, 30)},
            "no_checkpoints",
            Severity.INFO,
        ),
    ],
)
def test_each_weakness_is_found_with_its_severity(change, code, severity):
    findings = check(replace(GOOD, **change))

    found = [f for f in findings if f.code == code]
    assert found, [f.code for f in findings]
    assert found[0].severity == severity
    assert found[0].message  # a sentence, not a code


def test_the_findings_come_errors_first_and_worst_says_error():
    facts = replace(GOOD, description="", deadline=None, has_owner=False, checkpoints=())
    findings = check(facts)
    severities = [f.severity for f in findings]
    assert severities == sorted(severities, key=["error", "warning", "info"].index)
    assert worst(findings) == Severity.ERROR
    assert set(codes(facts)) == {"no_deadline", "no_owner", "no_description"}


def test_lower_is_better_goals_need_a_lower_target():
    facts = replace(
        GOOD,
        metric_key=COMPLAINTS.key,
        metric=COMPLAINTS,
        direction=Direction.AT_MOST,
        baseline=0.02,
        target=0.01,
    )
    assert codes(facts) == []
    assert "target_not_better" in codes(replace(facts, target=0.03))
    assert "direction_against_metric" in codes(
        replace(facts, direction=Direction.AT_LEAST, target=0.03)
    )


def test_a_volume_has_no_good_direction_so_either_is_fine():
    facts = replace(
        GOOD,
        metric_key=VOLUME.key,
        metric=VOLUME,
        baseline=100,
        target=80,
        direction=Direction.AT_MOST,
    )
    assert "direction_against_metric" not in codes(facts)


def test_a_checkpoint_on_the_deadline_is_fine_one_day_after_is_not():
    assert codes(replace(GOOD, checkpoints=(date(2026, 12, 31),))) == []
    after = check(
        replace(GOOD, checkpoints=(date(2027, 1, 1), date(2026, 11, 1), date(2027, 2, 1)))
    )
    late = [f for f in after if f.code == "checkpoint_after_deadline"]
    assert len(late) == 2 and "2027-01-01" in late[0].message


def test_a_deadline_on_the_day_it_was_set_has_not_passed():
    assert "deadline_passed" not in codes(replace(GOOD, created_on=date(2026, 12, 31)))


def test_without_a_baseline_the_target_is_not_compared():
    assert "target_not_better" not in codes(replace(GOOD, baseline=None))


def test_a_target_far_beyond_what_the_metric_ever_moved_is_unrealistic():
    steady = (0.91, 0.915, 0.92, 0.918, 0.921, 0.92)
    realistic = replace(GOOD, history=steady, target=0.93)
    wild = replace(GOOD, history=steady, target=0.999)
    assert "unrealistic" not in codes(realistic)
    assert "unrealistic" in codes(wild)
    # too little history says nothing
    assert "unrealistic" not in codes(replace(wild, history=(0.9, 0.91)))


def test_short_goals_need_no_checkpoints():
    assert "no_checkpoints" not in codes(replace(GOOD, checkpoints=()))


def test_findings_serialise_for_the_api():
    finding = check(replace(GOOD, has_owner=False))[0]
    assert finding.as_json() == {
        "code": "no_owner",
        "severity": "error",
        "message": finding.message,
    }
