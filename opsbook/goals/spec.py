"""A goal's decided fields, as a form, the API or the checklist mirror gives them."""

from dataclasses import dataclass, field, fields
from datetime import date

from opsbook.accounts.models import User
from opsbook.metrics.models import Direction

from .models import Goal


@dataclass
class GoalSpec:
    """A goal as a form or the API gives it (values in the metric's unit: shares 0–1,
    business seconds)."""

    title: str
    description: str = ""
    metric: str = ""
    scope: dict[str, str] = field(default_factory=dict)
    baseline: float | None = None
    baseline_period: str = ""
    target: float | None = None
    direction: str = Direction.AT_LEAST
    start: date | None = None
    deadline: date | None = None
    owner: User | None = None

    @classmethod
    def of(cls, goal: Goal) -> "GoalSpec":
        return cls(**{f.name: getattr(goal, f.name) for f in fields(cls)})
