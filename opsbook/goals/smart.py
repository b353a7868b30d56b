"""The SMART check: what a goal is missing (an error) or what is weak about it (a warning),
each finding with a code (stable, for the API and tests), a severity and a translated message.

A pure function over plain facts (``Facts``); ``Facts.of(goal, ...)`` reads them from a goal.
Findings never stop a goal from being saved: a draft may lack a deadline. Input that cannot be
right (an unknown metric, a share above 1) is refused by the services instead.

  S  specific    vague_title, no_description
  M  measurable  no_metric, unknown_metric, no_target, no_baseline
  A  assignable  no_owner
  R  realistic   target_not_better, direction_against_metric, unrealistic
  T  time-bound  no_deadline, deadline_passed, checkpoint_after_deadline,
                 checkpoint_before_start, no_checkpoints
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from opsbook.metrics import registry
from opsbook.metrics.models import Direction

from .choices import Severity
from .forecast import better, month_number

MIN_TITLE = 4  # characters: "提升" alone says nothing
MIN_DESCRIPTION = 10
CHECKPOINTS_FROM_MONTHS = 3  # a goal longer than this should have a checkpoint on the way
# A target needing a monthly change this many times the largest month-to-month change of the
# last year is flagged as unrealistic (with at least MIN_HISTORY months of history).
UNREALISTIC_FACTOR = 3.0
MIN_HISTORY = 3


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    message: str

    def as_json(self) -> dict[str, str]:
        return {"code": self.code, "severity": self.severity, "message": self.message}


@dataclass(frozen=True)
class Facts:
    title: str
    description: str
    metric_key: str
    metric: registry.Metric | None
    baseline: float | None
    target: float | None
    direction: str
    start: date
    deadline: date | None
    has_owner: bool
    created_on: date
    checkpoints: Sequence[date] = ()
    history: Sequence[float] = field(default_factory=tuple)  # monthly values before the start

    @classmethod
    def of(
        cls,
        goal: Any,
        *,
        checkpoints: Sequence[date],
        history: Sequence[float] = (),
        known: Mapping[str, registry.Metric] | None = None,
    ) -> "Facts":
        """``known``: every metric by key, read once for a list (else looked up)."""
        if known is not None:
            metric = known.get(goal.metric)
        else:
            metric = registry.get(goal.metric) if goal.metric else None
        return cls(
            title=goal.title,
            description=goal.description,
            metric_key=goal.metric,
            metric=metric,
            baseline=goal.baseline,
            target=goal.target,
            direction=goal.direction,
            start=goal.start,
            deadline=goal.deadline,
            has_owner=goal.owner_id is not None,
            created_on=goal.created_on,
            checkpoints=tuple(checkpoints),
            history=tuple(history),
        )


def check(facts: Facts) -> list[Finding]:
    """Every finding, errors first."""
    found: list[Finding] = []

    def add(code: str, severity: str, message: str) -> None:
        found.append(Finding(code, severity, message))

    # S: specific
    if len(facts.title.strip()) < MIN_TITLE:
        add("vague_title", Severity.WARNING, _("The title is too short to say what is wanted."))
    description = facts.description.strip()
    if not description:
        add(
            "no_description",
            Severity.WARNING,
            _("No description: say specifically what will change and for whom."),
        )
    elif len(description) < MIN_DESCRIPTION:
        add(
            "no_description",
            Severity.WARNING,
            _("The description is vague: say specifically what will change and for whom."),
        )
    # M: measurable
    if not facts.metric_key:
        add("no_metric", Severity.ERROR, _("No metric: the goal cannot be measured."))
    elif facts.metric is None:
        add(
            "unknown_metric",
            Severity.ERROR,
            _("The metric %(key)s does not exist (any more): the goal cannot be measured.")
            % {"key": facts.metric_key},
        )
    if facts.target is None:
        add("no_target", Severity.ERROR, _("No target value: nobody can tell when it is reached."))
    if facts.baseline is None:
        add(
            "no_baseline",
            Severity.WARNING,
            _("No baseline: progress cannot be measured from where you started."),
        )
    # A: assignable
    if not facts.has_owner:
        add("no_owner", Severity.ERROR, _("No owner: nobody is answerable for the goal."))
    # R: realistic and relevant
    if (
        facts.baseline is not None
        and facts.target is not None
        and not better(facts.target, facts.baseline, facts.direction)
    ):
        add(
            "target_not_better",
            Severity.ERROR,
            _("The target is no better than the baseline: nothing has to improve."),
        )
    if facts.metric is not None and facts.metric.higher_is_better is not None:
        wants_higher = facts.direction == Direction.AT_LEAST
        if wants_higher != facts.metric.higher_is_better:
            add(
                "direction_against_metric",
                Severity.WARNING,
                _("The direction is against the metric: for this metric %(better)s is better.")
                % {"better": _("higher") if facts.metric.higher_is_better else _("lower")},
            )
    unrealistic = _unrealistic(facts)
    if unrealistic:
        add("unrealistic", Severity.WARNING, unrealistic)
    # T: time-bound
    if facts.deadline is None:
        add("no_deadline", Severity.ERROR, _("No deadline: the goal is not time-bound."))
    else:
        if facts.deadline < facts.created_on:
            add(
                "deadline_passed",
                Severity.WARNING,
                _("The deadline had already passed when the goal was set."),
            )
        late = sorted(d for d in facts.checkpoints if d > facts.deadline)
        for day in late:
            add(
                "checkpoint_after_deadline",
                Severity.WARNING,
                _("The checkpoint on %(date)s is after the deadline.") % {"date": day.isoformat()},
            )
        months = month_number(facts.deadline) - month_number(facts.start)
        if not facts.checkpoints and months > CHECKPOINTS_FROM_MONTHS:
            add(
                "no_checkpoints",
                Severity.INFO,
                _("No checkpoints on a goal of %(months)d months: add a few to see drift early.")
                % {"months": months},
            )
    for day in sorted(d for d in facts.checkpoints if d < facts.start):
        add(
            "checkpoint_before_start",
            Severity.WARNING,
            _("The checkpoint on %(date)s is before the goal starts.") % {"date": day.isoformat()},
        )
    order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    return sorted(found, key=lambda f: order[Severity(f.severity)])


def _unrealistic(facts: Facts) -> str | None:
    """The monthly change the target needs, against the largest month-to-month change of the
    history: more than ``UNREALISTIC_FACTOR`` times it is flagged."""
    if (
        facts.baseline is None
        or facts.target is None
        or facts.deadline is None
        or len(facts.history) < MIN_HISTORY
    ):
        return None
    months = max(1, month_number(facts.deadline) - month_number(facts.start) + 1)
    needed = abs(facts.target - facts.baseline) / months
    steps = [abs(b - a) for a, b in zip(facts.history, facts.history[1:], strict=False)]
    largest = max(steps)
    if needed <= 0 or needed <= UNREALISTIC_FACTOR * largest:
        return None
    return _(
        "The target needs a change of %(needed)s a month; the metric never moved more than "
        "%(largest)s in a month over the last year."
    ) % {"needed": f"{needed:.4g}", "largest": f"{largest:.4g}"}


def worst(findings: Sequence[Finding]) -> str | None:
    """The most severe severity among ``findings`` (None when there are none)."""
    for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO):
        if any(f.severity == severity for f in findings):
            return severity
    return None
