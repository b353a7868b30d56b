"""Turning API input into service arguments: owners and calendars looked up by name or id,
nested parts into unsaved rows, field values with ids resolved (a bad reference is a 422 on
its field)."""

from django.http import HttpRequest
from django.utils.translation import gettext as _

from opsbook.calendars.models import Calendar
from opsbook.core.api import invalid

from .. import services
from ..access import categories_for_user
from ..models import Checkpoint, Kpi, Ownership, Resource, ServiceStandard
from ..refs import find_team, find_user
from ..schemas import PartsIn

PAYLOAD = ("body", "payload")
PART_NAMES = frozenset(services.PART_MODELS)


def _owners(rows, prefix) -> list[Ownership]:
    owners = []
    for i, row in enumerate(rows):
        if row.user is not None:
            user = find_user(row.user)
            if user is None or not user.is_staff_member:
                raise invalid(
                    [*prefix, "owners", i, "user"],
                    _("%(user)s is not an active staff member.") % {"user": row.user},
                )
            owners.append(Ownership(user=user, is_primary=row.primary))
        else:
            team = find_team(row.team)
            if team is None:
                raise invalid(
                    [*prefix, "owners", i, "team"],
                    _("There is no team %(team)s.") % {"team": row.team},
                )
            owners.append(Ownership(team=team, is_primary=row.primary))
    return owners


def parts_from(payload: PartsIn, prefix=PAYLOAD) -> services.Parts:
    parts = services.Parts()
    if payload.owners is not None:
        parts.owners = _owners(payload.owners, prefix)
    if payload.standards is not None:
        parts.standards = []
        for i, row in enumerate(payload.standards):
            values = row.model_dump() | {
                "priority": row.priority or "",
                "channel": row.channel or "",
                "calendar": None,
            }
            if row.calendar:
                values["calendar"] = Calendar.objects.filter(name=row.calendar).first()
                if values["calendar"] is None:
                    raise invalid(
                        [*prefix, "standards", i, "calendar"],
                        _("There is no calendar %(name)s.") % {"name": row.calendar},
                    )
            parts.standards.append(ServiceStandard(**values))
    if payload.kpis is not None:
        parts.kpis = [
            Kpi(**(row.model_dump() | {"metric": row.metric or ""})) for row in payload.kpis
        ]
    if payload.checkpoints is not None:
        parts.checkpoints = [Checkpoint(**row.model_dump()) for row in payload.checkpoints]
    if payload.resources is not None:
        parts.resources = [Resource(**row.model_dump()) for row in payload.resources]
    return parts


def entry_values(request: HttpRequest, payload, *, partial: bool) -> dict:
    """Field values for a service call: nested parts and ``version`` left out, ids looked up."""
    values = payload.model_dump(exclude_unset=partial, exclude={*PART_NAMES, "version"})
    if values.get("code") is None:
        values.pop("code", None)
    if "delivery_mode" in values and values["delivery_mode"] is None:
        values["delivery_mode"] = ""
    if "category_id" in values:
        pk = values.pop("category_id")
        category = categories_for_user(request.user).filter(pk=pk).first()
        if category is None:
            raise invalid([*PAYLOAD, "category_id"], _("There is no category %(id)s.") % {"id": pk})
        values["category"] = category
    return values


def check_dates(entry, values: dict) -> None:
    """End before start is a field error on ``end_date`` (the database constraint would only
    say the row is invalid)."""
    start = values.get("start_date", entry.start_date if entry else None)
    end = values.get("end_date", entry.end_date if entry else None)
    if start and end and end < start:
        raise invalid([*PAYLOAD, "end_date"], _("The end date is before the start date."))


def category_ref(request, pk):
    if pk is None:
        return None
    category = categories_for_user(request.user).filter(pk=pk).first()
    if category is None:
        raise invalid([*PAYLOAD, "parent_id"], _("There is no category %(id)s.") % {"id": pk})
    return category
