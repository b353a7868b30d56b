"""The occurrence list's filters, an allow-list shared by the page and the API.

``parse(query)`` reads a QueryDict (or a dict of lists) into ``OccurrenceFilters`` and the
errors of what it did not understand (left out, never guessed); ``apply(queryset, filters,
user, now)`` narrows the caller's scoped queryset in SQL.

* ``status``: any of ``open``, ``late`` (open past its due time), ``done``, ``done_on_time``,
  ``done_late``, ``skipped``, ``missed``, ``cancelled``; several are OR-ed.
* ``scope``: ``mine`` (assigned to or owned by me), ``team`` (my team's, or the teams I lead),
  ``all`` (everything I may see; the default).
* ``content``, ``item``, ``ticket``: ids; ``assignee``: an id, ``me`` or ``none``.
* ``due_from``, ``due_to``: days (YYYY-MM-DD), both included; ``month``: YYYY-MM, a shortcut
  for the month's first and last day.
* ``source``: ``schedule``, ``manual``, ``ticket``.
"""

import calendar
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .choices import OccurrenceStatus, Source
from .models import Occurrence

LATE = "late"
DONE_ON_TIME = "done_on_time"
DONE_LATE = "done_late"
STATES = {
    OccurrenceStatus.OPEN.value: OccurrenceStatus.OPEN.label,
    LATE: gettext_lazy("Late"),
    OccurrenceStatus.DONE.value: OccurrenceStatus.DONE.label,
    DONE_ON_TIME: gettext_lazy("Done on time"),
    DONE_LATE: gettext_lazy("Done late"),
    OccurrenceStatus.SKIPPED.value: OccurrenceStatus.SKIPPED.label,
    OccurrenceStatus.MISSED.value: OccurrenceStatus.MISSED.label,
    OccurrenceStatus.CANCELLED.value: OccurrenceStatus.CANCELLED.label,
}
SCOPES = {
    "all": gettext_lazy("Everything I may see"),
    "mine": gettext_lazy("Mine"),
    "team": gettext_lazy("My team's"),
}
ME, NOBODY = "me", "none"
BIGINT_MAX = 2**63 - 1


@dataclass
class OccurrenceFilters:
    status: list[str] = field(default_factory=list)
    scope: str = "all"
    content: int | None = None
    item: int | None = None
    ticket: int | None = None
    assignee: str = ""  # "", "me", "none" or an id as text
    due_from: date | None = None
    due_to: date | None = None
    source: str = ""

    def as_query(self) -> dict[str, Any]:
        """The filters as query parameters (for links and the form)."""
        query: dict[str, Any] = {}
        if self.status:
            query["status"] = list(self.status)
        if self.scope != "all":
            query["scope"] = self.scope
        for name in ("content", "item", "ticket"):
            if getattr(self, name) is not None:
                query[name] = getattr(self, name)
        if self.assignee:
            query["assignee"] = self.assignee
        if self.due_from:
            query["due_from"] = self.due_from.isoformat()
        if self.due_to:
            query["due_to"] = self.due_to.isoformat()
        if self.source:
            query["source"] = self.source
        return query


def _values(query: Mapping[str, Any], name: str) -> list[str]:
    if hasattr(query, "getlist"):
        raw = query.getlist(name)
    else:
        raw = query.get(name) or []
        raw = raw if isinstance(raw, list | tuple) else [raw]
    values: list[str] = []
    for value in raw:
        values.extend(part.strip() for part in str(value).split(",") if part.strip())
    return values


def _one(query: Mapping[str, Any], name: str) -> str:
    values = _values(query, name)
    return values[0] if values else ""


def _id(raw: str, name: str, errors: dict[str, list[str]]) -> int | None:
    if not raw:
        return None
    if raw.isascii() and raw.isdigit() and 1 <= int(raw) <= BIGINT_MAX:
        return int(raw)
    errors.setdefault(name, []).append(_("“%(value)s” is not an id.") % {"value": raw[:50]})
    return None


def _day(raw: str, name: str, errors: dict[str, list[str]]) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors.setdefault(name, []).append(
            _("“%(value)s” is not a day (YYYY-MM-DD).") % {"value": raw[:50]}
        )
        return None


def month_bounds(raw: str) -> tuple[date, date] | None:
    """The first and last day of ``YYYY-MM``, or None when it is not one."""
    try:
        year, month = (int(part) for part in raw.split("-"))
        first = date(year, month, 1)
    except (ValueError, TypeError):
        return None
    return first, date(year, month, calendar.monthrange(year, month)[1])


def parse(query: Mapping[str, Any]) -> tuple[OccurrenceFilters, dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    parsed = OccurrenceFilters()
    for value in _values(query, "status"):
        if value in STATES and value not in parsed.status:
            parsed.status.append(value)
        elif value not in STATES:
            errors.setdefault("status", []).append(
                _("“%(value)s” is not a status.") % {"value": value[:50]}
            )
    scope = _one(query, "scope")
    if scope in SCOPES:
        parsed.scope = scope
    elif scope:
        errors.setdefault("scope", []).append(
            _("Choose the scope among: %(choices)s.") % {"choices": ", ".join(SCOPES)}
        )
    parsed.content = _id(_one(query, "content"), "content", errors)
    parsed.item = _id(_one(query, "item"), "item", errors)
    parsed.ticket = _id(_one(query, "ticket"), "ticket", errors)
    assignee = _one(query, "assignee")
    if assignee in {ME, NOBODY} or _id(assignee, "assignee", errors) is not None:
        parsed.assignee = assignee
    month = _one(query, "month")
    if month:
        bounds = month_bounds(month)
        if bounds is None:
            errors.setdefault("month", []).append(
                _("“%(value)s” is not a month (YYYY-MM).") % {"value": month[:50]}
            )
        else:
            parsed.due_from, parsed.due_to = bounds
    parsed.due_from = _day(_one(query, "due_from"), "due_from", errors) or parsed.due_from
    parsed.due_to = _day(_one(query, "due_to"), "due_to", errors) or parsed.due_to
    source = _one(query, "source")
    if source in Source.values:
        parsed.source = source
    elif source:
        errors.setdefault("source", []).append(
            _("“%(value)s” is not a source.") % {"value": source[:50]}
        )
    return parsed, errors


def state_q(state: str, now: datetime) -> Q:
    """One ``status`` filter value as a condition (the derived ones included)."""
    done = Q(status=OccurrenceStatus.DONE)
    if state == LATE:
        return Q(status=OccurrenceStatus.OPEN, due_at__lt=now)
    if state == DONE_ON_TIME:
        return done & Q(completed_at__lte=F("due_at"))
    if state == DONE_LATE:
        return done & Q(completed_at__gt=F("due_at"))
    return Q(status=state)


def mine_q(user: Any) -> Q:
    owned = Occurrence.owners.through.objects.filter(occurrence_id=OuterRef("pk"), user_id=user.pk)
    return Q(assignee_id=user.pk) | Q(Exists(owned))


def team_q(user: Any) -> Q:
    scope = Q(team__lead_id=user.pk)
    if user.team_id:
        scope |= Q(team_id=user.team_id)
    return scope


def apply(
    queryset: QuerySet[Occurrence], parsed: OccurrenceFilters, user: Any, now: datetime
) -> QuerySet[Occurrence]:
    if parsed.status:
        condition = Q()
        for state in parsed.status:
            condition |= state_q(state, now)
        queryset = queryset.filter(condition)
    if parsed.scope == "mine":
        queryset = queryset.filter(mine_q(user))
    elif parsed.scope == "team":
        queryset = queryset.filter(team_q(user))
    if parsed.content is not None:
        queryset = queryset.filter(content_id=parsed.content)
    if parsed.item is not None:
        queryset = queryset.filter(content__item_id=parsed.item)
    if parsed.ticket is not None:
        queryset = queryset.filter(ticket_id=parsed.ticket)
    if parsed.assignee == ME:
        queryset = queryset.filter(assignee_id=user.pk)
    elif parsed.assignee == NOBODY:
        queryset = queryset.filter(assignee__isnull=True)
    elif parsed.assignee:
        queryset = queryset.filter(assignee_id=int(parsed.assignee))
    if parsed.due_from is not None:
        queryset = queryset.filter(due_on__gte=parsed.due_from)
    if parsed.due_to is not None:
        queryset = queryset.filter(due_on__lte=parsed.due_to)
    if parsed.source:
        queryset = queryset.filter(source=parsed.source)
    return queryset
