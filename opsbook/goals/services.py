"""Writes of the goals app. Each ``do_*`` checks its actor through ``access.py`` (``None`` is the
system: the job, the demo loader, a test factory), checks its input (a ``ValidationError``
naming the field, and nothing written), runs in one transaction and records an audit entry.
After the write the goal's stored evaluation (status, current value, progress, forecast) is
refreshed from the metric, so the list shows it at once.

Goals mirrored from the checklist (``Goal.kpi``) are written only by ``sync_kpi_goals``: a KPI
that names a metric and a target is a goal; when either goes, so does its goal.
"""

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from opsbook.accounts.choices import Role
from opsbook.accounts.models import User
from opsbook.audit.models import Action
from opsbook.audit.services import diff, record, snapshot
from opsbook.core import clock
from opsbook.core.permissions import require
from opsbook.core.text import has_control_characters
from opsbook.metrics import registry
from opsbook.metrics.models import Direction
from opsbook.metrics.periods import PeriodError, org_tz, parse
from opsbook.metrics.registry import Dimension, Unit

from . import access, kpis, progress
from .models import Goal, GoalCheckpoint
from .spec import GoalSpec

# Who acts: a signed-in user (a request's, possibly anonymous to the type checker), or None for
# the system (the job, the demo, a test factory).
Actor = User | AnonymousUser | None
MAX_TITLE = 200
MAX_DESCRIPTION = 5000
MAX_NOTE = 2000
MAX_CHECKPOINTS = 60
MAX_CODE = 150
# Dates a goal can be about (a year 1 or 9999 is a typo, and has no months around it).
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)
AUDITED = (
    "title",
    "description",
    "metric",
    "scope",
    "baseline",
    "baseline_period",
    "target",
    "direction",
    "start",
    "deadline",
    "owner",
)


def _user(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) else None


def _today(now: datetime) -> date:
    return now.astimezone(org_tz()).date()


def _text(value: str, name: str, limit: int, *, multi_line: bool = False) -> str:
    value = str(value or "")
    if has_control_characters(value, multi_line=multi_line):
        raise ValidationError({name: _("Control characters are not allowed.")})
    value = value.strip() if multi_line else " ".join(value.split())
    if len(value) > limit:
        raise ValidationError({name: _("At most %(limit)d characters, please.") % {"limit": limit}})
    return value


def _number(value: float | None, name: str, unit: str) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValidationError({name: _("Enter a number.")}) from None
    if not math.isfinite(number) or abs(number) > 1e15:
        raise ValidationError({name: _("Enter a finite number.")})
    if unit == Unit.RATIO and not 0 <= number <= 1:
        raise ValidationError({name: _("A share is between 0 and 1 (0 % and 100 %).")})
    if unit in (Unit.COUNT, Unit.SECONDS) and number < 0:
        raise ValidationError({name: _("This metric is never negative.")})
    return number


def clean_scope(scope: Any, metric: registry.Metric | None) -> dict[str, str]:
    if scope is None:
        return {}
    if not isinstance(scope, Mapping):
        raise ValidationError({"scope": _("The scope maps a dimension to a code.")})
    cleaned: dict[str, str] = {}
    for dimension, code in scope.items():
        if dimension not in Dimension.values:
            raise ValidationError(
                {"scope": _("Unknown dimension %(dimension)s.") % {"dimension": dimension}}
            )
        if metric is not None and dimension not in metric.dimensions:
            raise ValidationError(
                {
                    "scope": _("The metric %(metric)s cannot be cut by %(dimension)s.")
                    % {"metric": metric.key, "dimension": dimension}
                }
            )
        if not isinstance(code, str) or not code.strip() or len(code) > MAX_CODE:
            raise ValidationError(
                {"scope": _("Give a code for %(dimension)s.") % {"dimension": dimension}}
            )
        if has_control_characters(code):
            raise ValidationError({"scope": _("Control characters are not allowed.")})
        cleaned[str(dimension)] = code.strip()
    return cleaned


def clean_spec(spec: GoalSpec, now: datetime) -> GoalSpec:
    """The spec checked and tidied; ``ValidationError`` naming the first bad field."""
    title = _text(spec.title, "title", MAX_TITLE)
    if not title:
        raise ValidationError({"title": _("Give the goal a title.")})
    description = _text(spec.description, "description", MAX_DESCRIPTION, multi_line=True)
    key = (spec.metric or "").strip()
    metric = registry.get(key) if key else None
    if key and metric is None:
        raise ValidationError({"metric": _("Unknown metric %(key)s.") % {"key": key}})
    unit = metric.unit if metric is not None else Unit.NUMBER
    scope = clean_scope(spec.scope, metric)
    period = (spec.baseline_period or "").strip()
    if period:
        try:
            period = parse(period).code
        except PeriodError:
            raise ValidationError(
                {"baseline_period": _("Write the period as 2026-09, 2026-Q3 or 2026.")}
            ) from None
    if spec.direction not in Direction.values:
        raise ValidationError({"direction": _("Choose at least (≥) or at most (≤).")})
    start = spec.start or _today(now)
    for name, day in (("start", start), ("deadline", spec.deadline)):
        if day is not None and not FIRST_DAY <= day <= LAST_DAY:
            raise ValidationError({name: _("Choose a date between 2000 and 2099.")})
    if spec.deadline is not None and spec.deadline < start:
        raise ValidationError({"deadline": _("The deadline cannot be before the start.")})
    owner = spec.owner
    if owner is not None and not (
        owner.is_active and owner.is_staff_member and owner.role != Role.VIEWER
    ):
        raise ValidationError(
            {"owner": _("The owner must be an active member of staff (not a viewer).")}
        )
    return GoalSpec(
        title=title,
        description=description,
        metric=key,
        scope=scope,
        baseline=_number(spec.baseline, "baseline", unit),
        baseline_period=period,
        target=_number(spec.target, "target", unit),
        direction=spec.direction,
        start=start,
        deadline=spec.deadline,
        owner=owner,
    )


def _fill_baseline(spec: GoalSpec, now: datetime) -> GoalSpec:
    """A baseline period without a value: the value is read from the metric."""
    if spec.baseline is None and spec.baseline_period and spec.metric:
        spec.baseline = progress.value_for(
            spec.metric, parse(spec.baseline_period), spec.scope, now
        )
    return spec


def _clean_checkpoint(day: Any, expected: Any, note: str, unit: str) -> tuple[date, float, str]:
    if not isinstance(day, date):
        raise ValidationError({"checkpoints": _("Give each checkpoint a date.")})
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationError({"checkpoints": _("Choose a date between 2000 and 2099.")})
    value = _number(expected, "checkpoints", unit)
    if value is None:
        raise ValidationError({"checkpoints": _("Give each checkpoint its expected value.")})
    return day, value, _text(note, "note", MAX_NOTE, multi_line=True)


def do_create_goal(
    actor: Actor,
    spec: GoalSpec,
    *,
    checkpoints: Sequence[tuple[date, float, str]] = (),
    now: datetime | None = None,
    source: str = "web",
) -> Goal:
    now = clock.or_now(now)
    if actor is not None:
        require(access.can_manage_goals(actor), _("Only managers set goals."))
    spec = _fill_baseline(clean_spec(spec, now), now)
    unit = progress.unit_of(spec.metric)
    if len(checkpoints) > MAX_CHECKPOINTS:
        raise ValidationError(
            {"checkpoints": _("At most %(max)d checkpoints.") % {"max": MAX_CHECKPOINTS}}
        )
    points = [_clean_checkpoint(d, e, n, unit) for d, e, n in checkpoints]
    if len({d for d, _e, _n in points}) != len(points):
        raise ValidationError({"checkpoints": _("Two checkpoints on the same date.")})
    with transaction.atomic():
        goal = Goal.objects.create(
            **{f.name: getattr(spec, f.name) for f in fields(GoalSpec)},
            created_at=now,
            created_by=_user(actor),
            updated_at=now,
        )
        for day, expected, note in points:
            GoalCheckpoint.objects.create(
                goal=goal,
                date=day,
                expected=expected,
                note=note,
                noted_by=_user(actor) if note else None,
                noted_at=now if note else None,
            )
        record(
            actor=actor,
            action=Action.CREATE,
            obj=goal,
            changes={
                **snapshot(goal, AUDITED),
                "checkpoints": [[d, e] for d, e, _n in points],
            },
            source=source,
        )
    refresh_goal(goal, now)
    return goal


def do_update_goal(
    actor: Actor,
    goal: Goal,
    changes: Mapping[str, Any],
    *,
    now: datetime | None = None,
    source: str = "web",
) -> Goal:
    """Change the fields in ``changes`` (names of ``GoalSpec``); the rest stay."""
    now = clock.or_now(now)
    if actor is not None:
        require(access.can_manage_goals(actor), _("Only managers change goals."))
    if goal.is_from_checklist:
        raise ValidationError(
            {"kpi": _("This goal is a KPI of the service checklist: change it there.")}
        )
    unknown = set(changes) - {f.name for f in fields(GoalSpec)}
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("This field cannot be changed.")})
    spec = GoalSpec.of(goal)
    for name, value in changes.items():
        setattr(spec, name, value)
    refill = "baseline_period" in changes and "baseline" not in changes
    if refill:
        spec.baseline = None
    spec = clean_spec(spec, now)
    if refill:
        spec = _fill_baseline(spec, now)
    with transaction.atomic():
        goal = Goal.objects.select_for_update().get(pk=goal.pk)
        before = snapshot(goal, AUDITED)
        for f in fields(GoalSpec):
            setattr(goal, f.name, getattr(spec, f.name))
        after = snapshot(goal, AUDITED)
        changed = diff(before, after)
        if changed:
            goal.updated_at = now
            goal.save()
            record(actor=actor, action=Action.UPDATE, obj=goal, changes=changed, source=source)
    refresh_goal(goal, now)
    return goal


def do_add_checkpoint(
    actor: Actor,
    goal: Goal,
    *,
    day: date,
    expected: float,
    note: str = "",
    now: datetime | None = None,
    source: str = "web",
) -> GoalCheckpoint:
    now = clock.or_now(now)
    if actor is not None:
        require(access.can_manage_goals(actor), _("Only managers add checkpoints."))
    if goal.is_from_checklist:
        raise ValidationError(
            {"kpi": _("This goal is a KPI of the service checklist: change it there.")}
        )
    day, value, note = _clean_checkpoint(day, expected, note, progress.unit_of(goal.metric))
    with transaction.atomic():
        goal = Goal.objects.select_for_update().get(pk=goal.pk)
        if goal.checkpoints.count() >= MAX_CHECKPOINTS:
            raise ValidationError(
                {"checkpoints": _("At most %(max)d checkpoints.") % {"max": MAX_CHECKPOINTS}}
            )
        if goal.checkpoints.filter(date=day).exists():
            raise ValidationError({"date": _("This goal already has a checkpoint on that date.")})
        checkpoint = GoalCheckpoint.objects.create(
            goal=goal,
            date=day,
            expected=value,
            note=note,
            noted_by=_user(actor) if note else None,
            noted_at=now if note else None,
        )
        record(
            actor=actor,
            action=Action.CREATE,
            obj=checkpoint,
            changes=snapshot(checkpoint, ("date", "expected", "note")),
            source=source,
            parent=goal,
        )
    refresh_goal(goal, now)
    return checkpoint


def do_note_checkpoint(
    actor: Actor,
    checkpoint: GoalCheckpoint,
    note: str,
    *,
    now: datetime | None = None,
    source: str = "web",
) -> GoalCheckpoint:
    """The goal's owner (or a manager) writes what happened by the checkpoint."""
    now = clock.or_now(now)
    if actor is not None:
        require(
            access.can_note_checkpoint(actor, checkpoint.goal),
            _("Only the goal's owner or a manager writes checkpoint notes."),
        )
    note = _text(note, "note", MAX_NOTE, multi_line=True)
    with transaction.atomic():
        checkpoint = GoalCheckpoint.objects.select_for_update().get(pk=checkpoint.pk)
        before = checkpoint.note
        if note == before:
            return checkpoint
        checkpoint.note, checkpoint.noted_by, checkpoint.noted_at = note, _user(actor), now
        checkpoint.save(update_fields=["note", "noted_by", "noted_at"])
        record(
            actor=actor,
            action=Action.UPDATE,
            obj=checkpoint,
            changes={"note": [before, note]},
            source=source,
            parent=checkpoint.goal,
        )
    return checkpoint


# --- the stored evaluation -------------------------------------------------------------------


def refresh_goal(goal: Goal, now: datetime) -> progress.Evaluation:
    """Evaluate ``goal`` from its metric and store the result for the list (no audit: it is
    derived, not decided)."""
    evaluation = progress.evaluate(goal, list(goal.checkpoints.all()), now)
    values = {
        "status": evaluation.status,
        "current_value": evaluation.current,
        "progress": evaluation.progress,
        "forecast": evaluation.forecast,
        "evaluated_at": now,
    }
    Goal.objects.filter(pk=goal.pk).update(**values)
    for name, value in values.items():
        setattr(goal, name, value)
    return evaluation


def refresh_goals(now: datetime | None = None) -> int:
    """Mirror the checklist's KPIs, then re-evaluate every goal; returns how many."""
    now = clock.or_now(now)
    sync_kpi_goals(now)
    count = 0
    for goal in Goal.objects.prefetch_related("checkpoints").order_by("pk").iterator(100):
        refresh_goal(goal, now)
        count += 1
    return count


# --- goals mirrored from the checklist --------------------------------------------------------


@dataclass
class SyncResult:
    created: int = 0
    updated: int = 0
    deleted: int = 0


def sync_kpi_goals(now: datetime | None = None, *, source: str = "system") -> SyncResult:
    """One goal for each KPI that names a metric and has a target (``kpis.spec_of``); goals of
    KPIs that no longer qualify (or are gone: the foreign key cascades) are deleted. Idempotent:
    a second run changes nothing. Audited as the system."""
    now = clock.or_now(now)
    result = SyncResult()
    wanted: dict[int, GoalSpec] = {}
    for kpi in kpis.candidates():
        spec = kpis.spec_of(kpi, now)
        if spec is not None:
            wanted[kpi.pk] = spec
    existing = {g.kpi_id: g for g in Goal.objects.filter(kpi__isnull=False).select_related("owner")}
    touched: list[Goal] = []
    with transaction.atomic():
        for kpi_id, goal in existing.items():
            if kpi_id not in wanted:
                record(actor=None, action=Action.DELETE, obj=goal, source=source)
                goal.delete()
                result.deleted += 1
        for kpi_id, spec in wanted.items():
            found = existing.get(kpi_id)
            if found is None:
                goal = Goal.objects.create(
                    **{f.name: getattr(spec, f.name) for f in fields(GoalSpec)},
                    kpi_id=kpi_id,
                    created_at=now,
                    updated_at=now,
                )
                record(
                    actor=None,
                    action=Action.CREATE,
                    obj=goal,
                    changes=snapshot(goal, AUDITED),
                    source=source,
                )
                result.created += 1
                touched.append(goal)
                continue
            goal = found
            before = snapshot(goal, AUDITED)
            for f in fields(GoalSpec):
                setattr(goal, f.name, getattr(spec, f.name))
            changed = diff(before, snapshot(goal, AUDITED))
            if changed:
                goal.updated_at = now
                goal.save()
                record(actor=None, action=Action.UPDATE, obj=goal, changes=changed, source=source)
                result.updated += 1
                touched.append(goal)
    for goal in touched:
        refresh_goal(goal, now)
    return result


def owner_choices() -> Iterable[User]:
    return User.objects.filter(
        is_active=True, role__in=[Role.ADMIN, Role.MANAGER, Role.AGENT]
    ).order_by("username")
