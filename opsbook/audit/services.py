"""Recording changes. Called by other apps' services inside their transaction, so an audit
entry exists exactly when the change it describes was committed."""

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal

from django.db import models

from .models import Action, AuditEntry


def _plain(value):
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict:
    """Plain values of ``fields`` on ``obj``, for diffing."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def diff(before: Mapping, after: Mapping) -> dict:
    keys = list(dict.fromkeys([*before, *after]))
    return {
        k: [before.get(k), after.get(k)]
        for k in keys
        if _plain(before.get(k)) != _plain(after.get(k))
    }


def record(
    *,
    actor,
    action: str,
    obj: models.Model,
    changes: Mapping | None = None,
    source: str = "web",
    parent: models.Model | None = None,
) -> AuditEntry | None:
    """Write one entry. An update with no changes writes nothing and returns None."""
    if action == Action.UPDATE and not changes:
        return None
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=str(actor) if actor else "system",
        source=source,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        parent_type=parent._meta.label_lower if parent is not None else "",
        parent_id=str(parent.pk) if parent is not None else "",
        changes=_plain(dict(changes or {})),
    )
