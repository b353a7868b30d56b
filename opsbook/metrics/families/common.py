"""What the families share for drill-downs: a scope as an ORM filter."""

from django.db.models import Q
from django.db.models.functions import ExtractHour
from django.db.models.lookups import Exact

from ..periods import org_tz
from ..registry import NONE_CODE, Dimension, Scope

# Each dimension's code as an ORM path from a ticket, and whether it is a foreign key.
TICKET_PATHS: dict[str, tuple[str, str | None]] = {
    Dimension.CATEGORY: ("item__category__code", "item__category"),
    Dimension.ITEM: ("item__code", "item"),
    Dimension.CONTENT: ("content__code", "content"),
    Dimension.CHANNEL: ("channel", None),
    Dimension.TYPE: ("type", None),
    Dimension.PRIORITY: ("priority", None),
    Dimension.TEAM: ("team__name", "team"),
    Dimension.OWNER: ("assignee__username", "assignee"),
    Dimension.CUSTOMER: ("customer__code", "customer"),
    Dimension.HOUR: ("created_hour", None),
}

OCCURRENCE_PATHS: dict[str, tuple[str, str | None]] = {
    Dimension.CATEGORY: ("content__item__category__code", "content__item__category"),
    Dimension.ITEM: ("content__item__code", "content__item"),
    Dimension.CONTENT: ("content__code", "content"),
    Dimension.TEAM: ("team__name", "team"),
    Dimension.OWNER: ("assignee__username", "assignee"),
}


def scope_q(scope: Scope, paths: dict[str, tuple[str, str | None]]) -> Q:
    q = Q()
    for dimension, code in scope.items():
        if dimension not in paths:
            raise ValueError(f"Cannot filter by {dimension!r} here.")
        path, fk = paths[dimension]
        if code == NONE_CODE:
            q &= Q(**{f"{fk}__isnull": True}) if fk else Q(**{path: ""})
        else:
            q &= Q(**{path: code})
    return q


def ticket_scope_q(scope: Scope) -> Q:
    if Dimension.HOUR in scope:
        hour = scope[Dimension.HOUR]
        rest = {d: c for d, c in scope.items() if d != Dimension.HOUR}
        local = ExtractHour("created_at", tzinfo=org_tz())
        return scope_q(rest, TICKET_PATHS) & Q(Exact(local, int(hour) if hour.isdigit() else -1))
    return scope_q(scope, TICKET_PATHS)


def occurrence_scope_q(scope: Scope) -> Q:
    return scope_q(scope, OCCURRENCE_PATHS)
