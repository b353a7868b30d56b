"""Writes of the problems app. Each ``do_*`` checks its actor through ``access.py`` (``None`` is
the system: a job, the demo loader, a test factory), checks its input (a ``ValidationError``
naming the field, nothing written), runs in one transaction with the row locked against its
``version`` (optimistic locking: ``ConflictError`` when someone saved meanwhile) and records an
audit entry. ``now`` is passed in (``clock.or_now`` only for callers at the edges).

Problems:
  ``do_create_problem`` (from tickets the actor sees, or by hand: a complaint among the tickets
  makes the source "complaint"), ``do_update_problem`` (text, 5 whys, root cause, cause
  category, owner, status: resolving or closing stamps ``resolved_at``, reopening clears it),
  ``do_close_problem``, ``do_link_tickets``, ``do_unlink_ticket``.
Actions:
  ``do_create_action`` / ``do_update_action`` (owner, due, status: done or cancelled stamps
  ``done_at``, reopening clears it; metric, scope and expected change; the baseline is read
  from the metric for the month before the action started, unless one is given),
  ``do_close_action``.
"""

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from opsbook.accounts.choices import Role
from opsbook.accounts.models import Customer, Team, User
from opsbook.audit.models import Action as AuditAction
from opsbook.audit.services import diff, record, snapshot
from opsbook.catalog.models import Category, ServiceItem
from opsbook.core import clock
from opsbook.core.locking import lock_version
from opsbook.core.permissions import require
from opsbook.core.text import has_control_characters
from opsbook.metrics import registry
from opsbook.metrics.periods import PeriodError, parse
from opsbook.metrics.registry import Dimension
from opsbook.tickets.choices import TicketType
from opsbook.tickets.models import Ticket

from . import access, effects
from .choices import (
    OPEN_PROBLEM_STATUSES,
    ActionStatus,
    CauseCategory,
    ProblemSource,
    ProblemStatus,
)
from .models import Action, Problem, ProblemTicket

Actor = User | AnonymousUser | None
MAX_TITLE = 200
MAX_TEXT = 5000
MAX_WHY = 500
MAX_WHYS = 10
MAX_TICKETS = 500  # linked in one call
MAX_CODE = 150

PROBLEM_FIELDS = (
    "title",
    "description",
    "category",
    "items",
    "customers",
    "owner",
    "team",
    "whys",
    "root_cause",
    "cause_category",
    "status",
)
PROBLEM_AUDITED = tuple(f for f in PROBLEM_FIELDS if f not in ("items", "customers"))
ACTION_FIELDS = (
    "problem",
    "title",
    "description",
    "owner",
    "due",
    "status",
    "metric",
    "scope",
    "expected_change",
    "baseline",
    "proposed_in",
)
ACTION_AUDITED = (*ACTION_FIELDS, "baseline_period")

# Which status may follow which (reopening goes back to analysing / planned).
PROBLEM_TRANSITIONS: dict[str, set[str]] = {
    ProblemStatus.OPEN: {
        ProblemStatus.ANALYSING,
        ProblemStatus.KNOWN_ERROR,
        ProblemStatus.RESOLVED,
        ProblemStatus.CLOSED,
    },
    ProblemStatus.ANALYSING: {
        ProblemStatus.OPEN,
        ProblemStatus.KNOWN_ERROR,
        ProblemStatus.RESOLVED,
        ProblemStatus.CLOSED,
    },
    ProblemStatus.KNOWN_ERROR: {
        ProblemStatus.ANALYSING,
        ProblemStatus.RESOLVED,
        ProblemStatus.CLOSED,
    },
    ProblemStatus.RESOLVED: {ProblemStatus.CLOSED, ProblemStatus.ANALYSING},
    ProblemStatus.CLOSED: {ProblemStatus.ANALYSING},
}
ACTION_TRANSITIONS: dict[str, set[str]] = {
    ActionStatus.PLANNED: {ActionStatus.IN_PROGRESS, ActionStatus.DONE, ActionStatus.CANCELLED},
    ActionStatus.IN_PROGRESS: {ActionStatus.PLANNED, ActionStatus.DONE, ActionStatus.CANCELLED},
    ActionStatus.DONE: {ActionStatus.IN_PROGRESS},
    ActionStatus.CANCELLED: {ActionStatus.PLANNED},
}
CLOSED_ACTION_STATUSES = (ActionStatus.DONE, ActionStatus.CANCELLED)


# --- cleaning ----------------------------------------------------------------------------------


def _user(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) else None


def _text(value: Any, name: str, limit: int, *, multi_line: bool = False) -> str:
    value = str(value or "")
    if has_control_characters(value, multi_line=multi_line):
        raise ValidationError({name: _("Control characters are not allowed.")})
    value = value.strip() if multi_line else " ".join(value.split())
    if len(value) > limit:
        raise ValidationError({name: _("At most %(limit)d characters, please.") % {"limit": limit}})
    return value


def _title(value: Any) -> str:
    title = _text(value, "title", MAX_TITLE)
    if not title:
        raise ValidationError({"title": _("Give it a title.")})
    return title


def _whys(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise ValidationError({"whys": _("The 5 whys are a list of answers.")})
    answers = [_text(v, "whys", MAX_WHY) for v in value]
    while answers and not answers[-1]:
        answers.pop()
    if len(answers) > MAX_WHYS:
        raise ValidationError({"whys": _("At most %(max)d whys.") % {"max": MAX_WHYS}})
    return answers


def _choice(value: Any, name: str, choices: type, *, blank: bool = False) -> str:
    value = str(value or "")
    if (blank and value == "") or value in choices.values:  # type: ignore[attr-defined]
        return value
    raise ValidationError({name: _("Choose one of the listed values.")})


def _staff_owner(owner: Any) -> User | None:
    if owner is None:
        return None
    if not isinstance(owner, User) or not (
        owner.is_active and owner.is_staff_member and owner.role != Role.VIEWER
    ):
        raise ValidationError(
            {"owner": _("The owner must be an active member of staff (not a viewer).")}
        )
    return owner


def _instance(value: Any, model: type, name: str) -> Any:
    if value is None or isinstance(value, model):
        return value
    raise ValidationError({name: _("Choose one of the listed values.")})


def _instances(values: Any, model: type, name: str) -> list:
    values = list(values or [])
    if any(not isinstance(v, model) for v in values):
        raise ValidationError({name: _("Choose from the listed values.")})
    return values


def _ticket_ids(tickets: Iterable[Any]) -> list[int]:
    ids: list[int] = []
    for t in tickets:
        pk = t.pk if isinstance(t, Ticket) else t
        try:
            ids.append(int(pk))
        except (TypeError, ValueError):
            raise ValidationError({"tickets": _("Ticket numbers are whole numbers.")}) from None
    ids = list(dict.fromkeys(ids))
    if len(ids) > MAX_TICKETS:
        raise ValidationError(
            {"tickets": _("At most %(max)d tickets at once.") % {"max": MAX_TICKETS}}
        )
    return ids


def _visible_tickets(actor: Actor, tickets: Iterable[Any]) -> list[Ticket]:
    """The tickets, each one the actor may see (the system sees all); a ticket the actor cannot
    see is reported as not found, like a ticket that does not exist."""
    ids = _ticket_ids(tickets)
    if not ids:
        return []
    pool = Ticket.objects.all() if actor is None else access.tickets_for_user(actor)
    found = {t.pk: t for t in pool.filter(pk__in=ids).select_related("item", "customer")}
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise ValidationError(
            {"tickets": _("No such ticket: %(ids)s.") % {"ids": ", ".join(map(str, missing))}}
        )
    return [found[pk] for pk in ids]


def clean_scope(scope: Any, metric: registry.Metric | None) -> dict[str, str]:
    if not scope:
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


def _number(value: Any, name: str) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValidationError({name: _("Enter a number.")}) from None
    if not math.isfinite(number) or abs(number) > 1e15:
        raise ValidationError({name: _("Enter a finite number.")})
    return number


def _period_code(value: Any, name: str) -> str:
    value = str(value or "").strip()
    if not value:
        return ""
    try:
        return parse(value).code
    except PeriodError:
        raise ValidationError({name: _("Write the period as 2026-09.")}) from None


def _due(value: Any) -> date | None:
    if value is None:
        return None
    if not isinstance(value, date) or isinstance(value, datetime):
        raise ValidationError({"due": _("Enter a date.")})
    if not date(2000, 1, 1) <= value <= date(2099, 12, 31):
        raise ValidationError({"due": _("Choose a date between 2000 and 2099.")})
    return value


def _conflict_message() -> str:
    return _(
        "Someone else changed this since you opened it (now version %(theirs)s, yours was "
        "%(yours)s). Reload and try again."
    )


# --- problems ----------------------------------------------------------------------------------


def _source_of(tickets: Sequence[Ticket], given: str | None) -> str:
    if given:
        return _choice(given, "source", ProblemSource)
    if any(t.type == TicketType.COMPLAINT for t in tickets):
        return ProblemSource.COMPLAINT
    return ProblemSource.TICKETS if tickets else ProblemSource.MANUAL


def _add_ticket_context(problem: Problem, tickets: Sequence[Ticket]) -> None:
    """The linked tickets' services and customers become the problem's affected ones."""
    items = {t.item_id for t in tickets if t.item_id}
    customers = {t.customer_id for t in tickets if t.customer_id}
    if items:
        problem.items.add(*items)
    if customers:
        problem.customers.add(*customers)


def do_create_problem(
    actor: Actor,
    *,
    title: str,
    description: str = "",
    tickets: Iterable[Any] = (),
    category: Category | None = None,
    items: Iterable[ServiceItem] = (),
    customers: Iterable[Customer] = (),
    owner: User | None = None,
    team: Team | None = None,
    whys: Sequence[str] | None = None,
    root_cause: str = "",
    cause_category: str = "",
    source: str | None = None,
    now: datetime | None = None,
    origin: str = "web",
) -> Problem:
    """A new problem, linked to ``tickets`` (objects or ids the actor can see). Without a given
    category or team, the tickets' common one is taken; the owner defaults to the actor."""
    now = clock.or_now(now)
    if actor is not None:
        require(access.can_raise_problems(actor), _("Your role does not allow raising problems."))
    title = _title(title)
    description = _text(description, "description", MAX_TEXT, multi_line=True)
    linked = _visible_tickets(actor, tickets)
    category = _instance(category, Category, "category")
    team = _instance(team, Team, "team")
    item_list = _instances(items, ServiceItem, "items")
    customer_list = _instances(customers, Customer, "customers")
    if owner is None and _user(actor) is not None and access.can_raise_problems(actor):
        owner = _user(actor)
    owner = _staff_owner(owner)
    if category is None:
        categories = {t.item.category_id for t in linked if t.item_id and t.item is not None}
        if len(categories) == 1:
            category = Category.objects.get(pk=categories.pop())
    if team is None:
        teams = {t.team_id for t in linked if t.team_id}
        if len(teams) == 1:
            team = Team.objects.get(pk=teams.pop())
    problem = Problem(
        title=title,
        description=description,
        source=_source_of(linked, source),
        category=category,
        owner=owner,
        team=team,
        whys=_whys(whys),
        root_cause=_text(root_cause, "root_cause", MAX_TEXT, multi_line=True),
        cause_category=_choice(cause_category, "cause_category", CauseCategory, blank=True),
        raised_at=now,
        raised_by=_user(actor),
        updated_at=now,
    )
    with transaction.atomic():
        problem.save()
        ProblemTicket.objects.bulk_create(
            [
                ProblemTicket(problem=problem, ticket=t, linked_at=now, linked_by=_user(actor))
                for t in linked
            ]
        )
        if item_list:
            problem.items.add(*item_list)
        if customer_list:
            problem.customers.add(*customer_list)
        _add_ticket_context(problem, linked)
        record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=problem,
            changes={
                **snapshot(problem, (*PROBLEM_AUDITED, "source")),
                "tickets": [t.pk for t in linked],
            },
            source=origin,
        )
    return problem


def do_update_problem(
    actor: Actor,
    problem: Problem,
    changes: Mapping[str, Any],
    *,
    version: int | None,
    now: datetime | None = None,
    origin: str = "web",
) -> Problem:
    """Change the fields named in ``changes`` (of ``PROBLEM_FIELDS``); the rest stay."""
    now = clock.or_now(now)
    if actor is not None:
        require(access.can_edit_problem(actor, problem), _("You cannot change this problem."))
    unknown = set(changes) - set(PROBLEM_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("This field cannot be changed.")})
    values: dict[str, Any] = {}
    for name, value in changes.items():
        if name == "title":
            values[name] = _title(value)
        elif name in ("description", "root_cause"):
            values[name] = _text(value, name, MAX_TEXT, multi_line=True)
        elif name == "whys":
            values[name] = _whys(value)
        elif name == "cause_category":
            values[name] = _choice(value, name, CauseCategory, blank=True)
        elif name == "status":
            values[name] = _choice(value, name, ProblemStatus)
        elif name == "owner":
            values[name] = _staff_owner(value)
        elif name == "category":
            values[name] = _instance(value, Category, name)
        elif name == "team":
            values[name] = _instance(value, Team, name)
        elif name == "items":
            values[name] = _instances(value, ServiceItem, name)
        elif name == "customers":
            values[name] = _instances(value, Customer, name)
    with transaction.atomic():
        locked = lock_version(problem, version, _conflict_message())
        before = snapshot(locked, PROBLEM_AUDITED)
        before_items = sorted(locked.items.values_list("pk", flat=True))
        before_customers = sorted(locked.customers.values_list("pk", flat=True))
        status = values.get("status", locked.status)
        if status != locked.status:
            if status not in PROBLEM_TRANSITIONS[locked.status]:
                raise ValidationError(
                    {
                        "status": _("A problem cannot go from %(old)s to %(new)s.")
                        % {"old": locked.get_status_display(), "new": ProblemStatus(status).label}
                    }
                )
            if status in (ProblemStatus.RESOLVED, ProblemStatus.CLOSED):
                if locked.resolved_at is None:
                    locked.resolved_at = now
            else:
                locked.resolved_at = None
        root_cause = values.get("root_cause", locked.root_cause)
        if status == ProblemStatus.KNOWN_ERROR and not root_cause:
            raise ValidationError(
                {"root_cause": _("Write the root cause before marking it known.")}
            )
        for name, value in values.items():
            if name not in ("items", "customers"):
                setattr(locked, name, value)
        changed = diff(before, snapshot(locked, PROBLEM_AUDITED))
        if "items" in values:
            after_items = sorted(i.pk for i in values["items"])
            if after_items != before_items:
                locked.items.set(values["items"])
                changed["items"] = [before_items, after_items]
        if "customers" in values:
            after_customers = sorted(c.pk for c in values["customers"])
            if after_customers != before_customers:
                locked.customers.set(values["customers"])
                changed["customers"] = [before_customers, after_customers]
        if changed:
            locked.updated_at = now
            locked.version += 1
            locked.save()
            record(
                actor=actor, action=AuditAction.UPDATE, obj=locked, changes=changed, source=origin
            )
    return locked


def do_close_problem(
    actor: Actor,
    problem: Problem,
    *,
    version: int | None,
    now: datetime | None = None,
    origin: str = "web",
) -> Problem:
    return do_update_problem(
        actor, problem, {"status": ProblemStatus.CLOSED}, version=version, now=now, origin=origin
    )


def do_link_tickets(
    actor: Actor,
    problem: Problem,
    tickets: Iterable[Any],
    *,
    now: datetime | None = None,
    origin: str = "web",
) -> int:
    """Link tickets (the actor sees them) to the problem; already linked ones are skipped.
    Returns how many were newly linked."""
    now = clock.or_now(now)
    if actor is not None:
        require(access.can_edit_problem(actor, problem), _("You cannot change this problem."))
    linked = _visible_tickets(actor, tickets)
    if not linked:
        raise ValidationError({"tickets": _("Choose at least one ticket.")})
    with transaction.atomic():
        locked = Problem.objects.select_for_update().get(pk=problem.pk)
        existing = set(locked.links.values_list("ticket_id", flat=True))
        new = [t for t in linked if t.pk not in existing]
        if not new:
            return 0
        ProblemTicket.objects.bulk_create(
            [
                ProblemTicket(problem=locked, ticket=t, linked_at=now, linked_by=_user(actor))
                for t in new
            ]
        )
        _add_ticket_context(locked, new)
        if (
            locked.source != ProblemSource.COMPLAINT
            and any(t.type == TicketType.COMPLAINT for t in new)
            and locked.source in (ProblemSource.TICKETS, ProblemSource.MANUAL)
        ):
            locked.source = ProblemSource.COMPLAINT
        locked.updated_at = now
        locked.version += 1
        locked.save(update_fields=["source", "updated_at", "version"])
        problem.version = locked.version
        record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            changes={"tickets": [sorted(existing), sorted(existing | {t.pk for t in new})]},
            source=origin,
        )
    return len(new)


def do_unlink_ticket(
    actor: Actor,
    problem: Problem,
    ticket: Any,
    *,
    now: datetime | None = None,
    origin: str = "web",
) -> bool:
    """Unlink one ticket (the actor must see it). Returns whether it was linked."""
    now = clock.or_now(now)
    if actor is not None:
        require(access.can_edit_problem(actor, problem), _("You cannot change this problem."))
    (found,) = _visible_tickets(actor, [ticket])
    with transaction.atomic():
        locked = Problem.objects.select_for_update().get(pk=problem.pk)
        existing = set(locked.links.values_list("ticket_id", flat=True))
        if found.pk not in existing:
            return False
        ProblemTicket.objects.filter(problem=locked, ticket=found).delete()
        locked.updated_at = now
        locked.version += 1
        locked.save(update_fields=["updated_at", "version"])
        problem.version = locked.version
        record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            changes={"tickets": [sorted(existing), sorted(existing - {found.pk})]},
            source=origin,
        )
    return True


# --- actions -----------------------------------------------------------------------------------


def _metric(key: Any) -> tuple[str, registry.Metric | None]:
    key = str(key or "").strip()
    if not key:
        return "", None
    metric = registry.get(key)
    if metric is None:
        raise ValidationError({"metric": _("Unknown metric %(key)s.") % {"key": key}})
    return key, metric


def _fill_baseline(action: Action, given: float | None, now: datetime) -> None:
    """The baseline: the given value, else the metric's value in the month before the action
    started (the period is recorded either way)."""
    if not action.metric:
        action.baseline, action.baseline_period = None, ""
        return
    period = effects.baseline_period(action)
    action.baseline_period = period.code
    if given is not None:
        action.baseline = given
    else:
        action.baseline = effects.measure(action.metric, period, action.scope or {}, now)


def _action_values(changes: Mapping[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, value in changes.items():
        if name == "title":
            values[name] = _title(value)
        elif name == "description":
            values[name] = _text(value, name, MAX_TEXT, multi_line=True)
        elif name == "owner":
            values[name] = _staff_owner(value)
        elif name == "due":
            values[name] = _due(value)
        elif name == "status":
            values[name] = _choice(value, name, ActionStatus)
        elif name == "metric":
            values[name] = _metric(value)[0]
        elif name == "scope":
            values[name] = value  # cleaned with the metric below
        elif name in ("expected_change", "baseline"):
            values[name] = _number(value, name)
        elif name == "proposed_in":
            values[name] = _period_code(value, name)
        elif name == "problem":
            values[name] = _instance(value, Problem, name)
        else:
            raise ValidationError({name: _("This field cannot be changed.")})
    return values


def _set_status(action: Action, status: str, now: datetime) -> None:
    if status == action.status:
        return
    if status not in ACTION_TRANSITIONS[action.status]:
        raise ValidationError(
            {
                "status": _("An action cannot go from %(old)s to %(new)s.")
                % {"old": action.get_status_display(), "new": ActionStatus(status).label}
            }
        )
    action.status = status
    action.done_at = now if status in CLOSED_ACTION_STATUSES else None


def do_create_action(
    actor: Actor,
    *,
    title: str,
    problem: Problem | None = None,
    description: str = "",
    owner: User | None = None,
    due: date | None = None,
    status: str = ActionStatus.PLANNED,
    metric: str = "",
    scope: Mapping[str, str] | None = None,
    expected_change: float | None = None,
    baseline: float | None = None,
    proposed_in: str = "",
    now: datetime | None = None,
    origin: str = "web",
) -> Action:
    now = clock.or_now(now)
    if actor is not None:
        require(
            access.can_add_action(actor, problem),
            _("Only managers, or the problem's owner, add actions."),
        )
    values = _action_values(
        {
            "title": title,
            "problem": problem,
            "description": description,
            "owner": owner,
            "due": due,
            "status": status,
            "metric": metric,
            "expected_change": expected_change,
            "baseline": baseline,
            "proposed_in": proposed_in,
        }
    )
    key, found = _metric(values["metric"])
    action = Action(
        **{k: v for k, v in values.items() if k not in ("status", "baseline")},
        scope=clean_scope(scope, found) if key else {},
        created_at=now,
        created_by=_user(actor),
        updated_at=now,
    )
    if action.owner is None and _user(actor) is not None and access.can_raise_problems(actor):
        action.owner = _user(actor)
    _set_status(action, values["status"], now)
    _fill_baseline(action, values["baseline"], now)
    with transaction.atomic():
        action.save()
        record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=action,
            changes=snapshot(action, ACTION_AUDITED),
            source=origin,
            parent=problem,
        )
    return action


def do_update_action(
    actor: Actor,
    action: Action,
    changes: Mapping[str, Any],
    *,
    version: int | None,
    now: datetime | None = None,
    origin: str = "web",
) -> Action:
    """Change the fields in ``changes`` (of ``ACTION_FIELDS``). A new metric or scope reads the
    baseline again unless ``baseline`` is given."""
    now = clock.or_now(now)
    if actor is not None:
        require(access.can_edit_action(actor, action), _("You cannot change this action."))
        if "problem" in changes and changes["problem"] is not None:
            require(
                access.can_add_action(actor, changes["problem"]),
                _("Only managers, or the problem's owner, add actions."),
            )
    values = _action_values(changes)
    with transaction.atomic():
        locked = lock_version(action, version, _conflict_message())
        before = snapshot(locked, ACTION_AUDITED)
        for name, value in values.items():
            if name not in ("status", "baseline", "scope"):
                setattr(locked, name, value)
        key, found = _metric(locked.metric)
        if "scope" in values or "metric" in values:
            scope = values.get("scope", locked.scope)
            locked.scope = clean_scope(scope, found) if key else {}
        if "status" in values:
            _set_status(locked, values["status"], now)
        metric_moved = (before["metric"], before["scope"]) != (locked.metric, locked.scope)
        if "baseline" in values:
            # A value replaces the baseline; an empty one reads it from the metric again.
            _fill_baseline(locked, values["baseline"], now)
        elif metric_moved:
            _fill_baseline(locked, None, now)
        changed = diff(before, snapshot(locked, ACTION_AUDITED))
        if changed:
            if {"metric", "scope", "baseline", "expected_change"} & set(changed):
                # Measured against something else now: the old verdicts no longer apply.
                locked.effects.all().delete()
                locked.effect = ""
            locked.updated_at = now
            locked.version += 1
            locked.save()
            record(
                actor=actor,
                action=AuditAction.UPDATE,
                obj=locked,
                changes=changed,
                source=origin,
                parent=locked.problem,
            )
    return locked


def do_close_action(
    actor: Actor,
    action: Action,
    *,
    cancelled: bool = False,
    version: int | None,
    now: datetime | None = None,
    origin: str = "web",
) -> Action:
    status = ActionStatus.CANCELLED if cancelled else ActionStatus.DONE
    return do_update_action(
        actor, action, {"status": status}, version=version, now=now, origin=origin
    )


def owner_choices() -> Iterable[User]:
    return User.objects.filter(
        is_active=True, role__in=[Role.ADMIN, Role.MANAGER, Role.AGENT]
    ).order_by("username")


def is_open(problem: Problem) -> bool:
    return problem.status in OPEN_PROBLEM_STATUSES
