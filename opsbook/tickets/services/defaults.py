"""The organisation's default SLA targets per ticket type and priority (``DefaultTarget``):
what measures a ticket when the checklist sets no standard for its service and channel.
Managers change them; the open tickets they measure are then recomputed in the background."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from opsbook.audit import services as audit
from opsbook.audit.models import Action
from opsbook.catalog.choices import Priority, TimeBasis
from opsbook.core import clock
from opsbook.core.permissions import require

from .. import access
from ..choices import TicketType
from ..models import DefaultTarget
from ..signals import default_targets_changed
from .common import AnyUser, account

# Up to a year: a longer target is a typing slip, not a promise.
MAX_MINUTES = 366 * 24 * 60
AUDITED = ("response_minutes", "resolution_minutes", "time_basis")


@dataclass(frozen=True)
class Targets:
    """What a manager sets for one ticket type and priority (None: no target for that clock)."""

    response_minutes: int | None
    resolution_minutes: int | None
    time_basis: str = TimeBasis.BUSINESS


def _check(key: tuple[str, str], targets: Targets) -> None:
    ticket_type, priority = key
    if ticket_type not in TicketType.values or priority not in Priority.values:
        raise ValidationError(_("Unknown ticket type or priority: %s") % "/".join(key))
    prefix = f"{ticket_type}-{priority}"
    for name in ("response_minutes", "resolution_minutes"):
        value = getattr(targets, name)
        if value is not None and not 0 < value <= MAX_MINUTES:
            raise ValidationError(
                {
                    f"{prefix}-{name}": _(
                        "Enter a number of minutes from 1 to %(max)d, or leave it empty."
                    )
                    % {"max": MAX_MINUTES}
                }
            )
    if targets.time_basis not in TimeBasis.values:
        raise ValidationError({f"{prefix}-time_basis": _("Choose business or calendar time.")})
    response, resolution = targets.response_minutes, targets.resolution_minutes
    if response is not None and resolution is not None and resolution < response:
        raise ValidationError(
            {f"{prefix}-resolution_minutes": _("Resolution cannot be due before the response.")}
        )


@transaction.atomic
def do_update_default_targets(
    actor: AnyUser,
    changes: Mapping[tuple[str, str], Targets],
    *,
    now: datetime | None = None,
) -> list[DefaultTarget]:
    """Set the default targets of the (type, priority) pairs in ``changes``; managers and
    administrators only. Every pair is checked before anything is written; each changed row
    is audited, and the open tickets they measure are recomputed after the commit. Returns the
    rows that changed."""
    require(access.can_manage_tickets(actor), _("Only managers change the default targets."))
    for key, targets in changes.items():
        _check(key, targets)
    now = clock.or_now(now)
    existing = {(d.type, d.priority): d for d in DefaultTarget.objects.select_for_update()}
    changed = []
    for key, targets in changes.items():
        row = existing.get(key) or DefaultTarget(type=key[0], priority=key[1])
        before = audit.snapshot(row, AUDITED) if row.pk else {}
        for name in AUDITED:
            setattr(row, name, getattr(targets, name))
        diff = audit.diff(before, audit.snapshot(row, AUDITED))
        if row.pk and not diff:
            continue
        row.updated_at, row.updated_by = now, account(actor)
        row.save()
        audit.record(
            actor=actor,
            action=Action.UPDATE if before else Action.CREATE,
            obj=row,
            changes=diff,
        )
        changed.append(row)
    if changed:
        transaction.on_commit(partial(default_targets_changed.send, sender=DefaultTarget))
    return changed
