"""Owners, standards, KPIs, checkpoints and resources as comparable specs, loaded set-wise.

A part is compared as a tuple of its fields in PART_FIELDS order: ``(user_id, team_id,
is_primary)`` for an owner; for the others, the named tuples parsed by ``textformats`` equal the
plain tuples loaded from the database. Parts hang off ``(item_id, content_id)``; content_id is
None for the item's own parts. A standard's calendar is compared by name (``calendar__name``,
None for the default calendar), as the cell writes it; ``values`` turns it back into the id.
"""

from collections import defaultdict
from typing import Any

from django.db import models

from .. import services
from ..models import Checkpoint, Kpi, Ownership, Resource, ServiceStandard
from . import textformats as tf
from .calendars import CalendarDirectory

PART_KINDS = ("owners", "standards", "kpis", "checkpoints", "resources")
PART_MODELS: dict[str, type[models.Model]] = {
    "owners": Ownership,
    "standards": ServiceStandard,
    "kpis": Kpi,
    "checkpoints": Checkpoint,
    "resources": Resource,
}
PART_FIELDS = {
    "owners": ("user_id", "team_id", "is_primary"),
    "standards": (
        "channel", "priority", "response_minutes", "resolution_minutes", "time_basis",
        "description", "calendar__name", "followup_minutes", "lead_days", "due_day", "min_staff",
        "text",
    ),
    "kpis": ("name", "target", "unit", "direction", "description", "metric", "text"),
    "checkpoints": ("due_date", "title", "done"),
    "resources": ("kind", "description"),
}  # fmt: skip
PART_SPECS = {
    "owners": tuple,
    "standards": tf.StandardSpec,
    "kpis": tf.KpiSpec,
    "checkpoints": tf.CheckpointSpec,
    "resources": tf.ResourceSpec,
}


def load(kind: str, item_ids: set[int] | None = None) -> dict[tuple, tuple[list, list]]:
    """{(item_id, content_id): ([field tuple, …], [part id, …])} in display order."""
    model = PART_MODELS[kind]
    order = ["due_date", "position", "id"] if kind == "checkpoints" else ["position", "id"]
    rows = model._default_manager.order_by(*order).values_list(
        "id", "item_id", "content_id", *PART_FIELDS[kind]
    )
    if item_ids is not None and len(item_ids) <= 500:
        rows = rows.filter(item_id__in=item_ids)
    found: dict[tuple, tuple[list, list]] = defaultdict(lambda: ([], []))
    for row in rows:
        if item_ids is not None and row[1] not in item_ids:
            continue
        specs, ids = found[(row[1], row[2])]
        specs.append(row[3:])
        ids.append(row[0])
    return dict(found)


def spec(kind: str, row: tuple):
    """The named tuple for a row loaded by ``load`` (owners stay plain tuples)."""
    return row if kind == "owners" else PART_SPECS[kind](*row)


def values(kind: str, spec, calendars: CalendarDirectory) -> dict:
    """The model fields of one spec."""
    fields = dict(zip(PART_FIELDS[kind], spec, strict=True))
    if kind == "standards":
        fields["calendar_id"] = calendars.id_of(fields.pop("calendar__name"))
    return fields


class Labeller:
    """``services.part_label`` for specs, remembered per spec (the same text recurs a lot)."""

    def __init__(self, directory, calendars: CalendarDirectory):
        self.directory = directory
        self.calendars = calendars
        self._cache: dict[tuple, str] = {}
        self._by_id: dict[int, tuple] = {}
        self._scratch: dict[str, object] = {}
        self._lists: dict[tuple[str, int], tuple[tuple, list[str]]] = {}

    def labels(self, kind: str, specs: tuple) -> list[str]:
        """The labels of a cell's specs. Cells with the same text share one tuple of specs (the
        cell reader parses each distinct text once), so the list is looked up by identity; the
        entry keeps the tuple alive so its id stays unique. The list is shared: do not change it.
        """
        key = (kind, id(specs))
        hit = self._lists.get(key)
        if hit is None:
            hit = self._lists[key] = (specs, [self.label(kind, spec) for spec in specs])
        return hit[1]

    def label(self, kind: str, spec) -> str:
        # Specs parsed from the same cell text are the same objects: look them up by identity
        # first (cheap), then by value. The entry keeps the spec alive so its id stays unique.
        hit = self._by_id.get(id(spec))
        if hit is not None:
            return hit[1]
        key = (kind, spec)
        label = self._cache.get(key)
        if label is None:
            label = self._cache[key] = services.part_label(self.instance(kind, spec))
        self._by_id[id(spec)] = (spec, label)
        return label

    def instance(self, kind: str, spec):
        if kind == "owners":
            user_id, team_id, primary = spec
            owner = Ownership(is_primary=primary)
            if user_id is not None:
                owner.user = self.directory.user(user_id)
            else:
                owner.team = self.directory.teams[team_id]
            return owner
        # One scratch instance per kind, its plain fields overwritten for each spec: building
        # ten thousand model instances (and their init signals) only to label them is slow.
        part: Any = self._scratch.get(kind)
        if part is None:
            part = self._scratch[kind] = PART_MODELS[kind]()
        for name, value in zip(PART_FIELDS[kind], spec, strict=True):
            if name == "calendar__name":
                part.calendar = None if value is None else self.calendars.instance(value)
            else:
                setattr(part, name, value)
        return part
