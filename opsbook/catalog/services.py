"""Writes to the service checklist. Every function is one transaction, checks the actor's
permission itself (``access.check_*``: managers for categories, new items, retiring and bulk
edits; managers and owning agents for editing an item or its content) and records its audit.
An ``actor`` of ``None`` is the system (a command, the demo loader, a test factory) and is not
checked; see ``access.py``.

Web views, the API and commands all call these; none writes catalog rows itself.
Parts (owners, standards, KPIs, checkpoints, resources) are passed as unsaved model instances
without ``item``/``content``; passing a list replaces that kind of part, passing ``None`` leaves
it alone.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from opsbook.audit import services as audit
from opsbook.audit.models import Action
from opsbook.core.locking import bump_version

from . import kpi_metrics
from .access import check_can_edit_content, check_can_edit_item, check_can_manage
from .changes import announce_contents, announce_item
from .choices import Status
from .excel import textformats as tf
from .frequency import FrequencyError, parse_frequency
from .models import (
    Category,
    ChecklistEntry,
    Checkpoint,
    Kpi,
    Ownership,
    Resource,
    ServiceContent,
    ServiceItem,
    ServiceStandard,
)
from .signals import standards_changed

CATEGORY_FIELDS = ("name", "parent", "description", "sort_order")
ENTRY_FIELDS = (
    "code",
    "name",
    "description",
    "frequency_text",
    "start_date",
    "end_date",
    "notes",
    "status",
    "sort_order",
)
ITEM_FIELDS = (
    *ENTRY_FIELDS,
    "category",
    "tier",
    "target_customers",
    "service_hours",
    "delivery_mode",
    "region",
    "review_cycle_months",
    "next_review_date",
)
# How recurring work is generated from the content (opsbook.routines) is part of it too.
CONTENT_FIELDS = (*ENTRY_FIELDS, "calendar", "due_shift", "effort_minutes")
PART_MODELS = {
    "owners": Ownership,
    "standards": ServiceStandard,
    "kpis": Kpi,
    "checkpoints": Checkpoint,
    "resources": Resource,
}


@dataclass
class Parts:
    owners: Sequence[Ownership] | None = None
    standards: Sequence[ServiceStandard] | None = None
    kpis: Sequence[Kpi] | None = None
    checkpoints: Sequence[Checkpoint] | None = None
    resources: Sequence[Resource] | None = None

    def given(self):
        for name in PART_MODELS:
            value = getattr(self, name)
            if value is not None:
                yield name, list(value)


def part_label(part) -> str:
    """A stable one-line description of a part, used in the audit trail."""
    if isinstance(part, Ownership):
        label = str(part.user.label if part.user is not None else part.team)
        return f"{label} (primary)" if part.is_primary else label
    if isinstance(part, ServiceStandard):
        if not part.has_structure:
            return part.text
        bits = [part.channel] if part.channel else []
        if part.priority:
            bits.append(part.priority)
        if part.response_minutes is not None:
            bits.append(f"response<={part.response_minutes}m")
        if part.resolution_minutes is not None:
            bits.append(f"resolution<={part.resolution_minutes}m")
        bits.append(part.time_basis)
        if part.calendar_id:
            bits.append(f"@{part.calendar}")
        if part.description:
            bits.append(part.description)
        for name in ("followup_minutes", "lead_days", "due_day", "min_staff"):
            value = getattr(part, name)
            if value is not None:
                bits.append(f"{name}={value}")
        return " ".join(bits)
    if isinstance(part, Kpi):
        if part.target is None:
            label = part.name
        else:
            op = ">=" if part.direction == "at_least" else "<="
            label = f"{part.name} {op} {part.target.normalize():f}{part.unit}"
        return label
    if isinstance(part, Checkpoint):
        return f"{part.due_date.isoformat()} {part.title}{' (done)' if part.done else ''}"
    if isinstance(part, Resource):
        return f"{part.kind}: {part.description}"
    raise TypeError(part)


def apply_frequency(entry: ChecklistEntry) -> None:
    """Parse ``frequency_text`` into the stored structure; raises ValidationError if unreadable."""
    text = (entry.frequency_text or "").strip()
    entry.frequency_text = text
    if not text:
        entry.frequency, entry.frequency_kind, entry.frequency_period = None, "", ""
        return
    try:
        parsed = parse_frequency(text)
    except FrequencyError as exc:
        raise ValidationError({"frequency_text": str(exc)}) from None
    entry.frequency = parsed.as_dict()
    entry.frequency_kind = parsed.kind
    entry.frequency_period = parsed.period or ""


def read_standard_text(standard: ServiceStandard) -> None:
    """Give a standard its sentence, or its structure: a standard given only as text is read
    (as the import reads it); one given only as structure gets its canonical text. One given
    both keeps both (a manager adding structure to a sentence Opsbook could not read)."""
    standard.text = (standard.text or "").strip()
    structured = standard.channel or any(
        getattr(standard, name) is not None for name in STANDARD_STRUCTURE
    )
    if standard.text and not structured:
        try:
            spec = tf.parse_standard(standard.text)
        except tf.TextFormatError as exc:
            raise ValidationError({"text": str(exc)}) from None
        for name in ("channel", "priority", "time_basis", *STANDARD_STRUCTURE):
            setattr(standard, name, getattr(spec, name))
    elif not standard.text:
        if not structured:
            raise ValidationError({"text": _("Write the standard, or give a target for it.")})
        standard.text = tf.format_standard(_standard_spec(standard))[:500]


def read_kpi_text(kpi: Kpi) -> None:
    """Like ``read_standard_text`` for a KPI; a KPI named only gets its name as text."""
    kpi.text = (kpi.text or "").strip()
    kpi.name = (kpi.name or "").strip()
    if kpi.text and not kpi.name:
        try:
            spec = tf.parse_kpi(kpi.text)
        except tf.TextFormatError as exc:
            raise ValidationError({"text": str(exc)}) from None
        for name in ("name", "target", "unit", "direction", "description", "metric", "text"):
            setattr(kpi, name, getattr(spec, name))
    elif not kpi.text:
        if not kpi.name:
            raise ValidationError({"name": _("Write the KPI, or give its name.")})
        kpi.text = tf.format_kpi(
            tf.KpiSpec(kpi.name, kpi.target, kpi.unit, kpi.direction, kpi.description)
        )[:500]
    if kpi.target is not None and not kpi.metric:
        metric = kpi_metrics.match_metric(kpi.name)
        kpi.metric = metric.key if metric else ""


STANDARD_STRUCTURE = (
    "response_minutes",
    "resolution_minutes",
    "followup_minutes",
    "lead_days",
    "due_day",
    "min_staff",
)


def _standard_spec(standard: ServiceStandard) -> tf.StandardSpec:
    return tf.StandardSpec(
        channel=standard.channel,
        priority=standard.priority,
        response_minutes=standard.response_minutes,
        resolution_minutes=standard.resolution_minutes,
        time_basis=standard.time_basis,
        description=standard.description,
        calendar=standard.calendar.name if standard.calendar is not None else None,
        followup_minutes=standard.followup_minutes,
        lead_days=standard.lead_days,
        due_day=standard.due_day,
        min_staff=standard.min_staff,
    )


def _validate_parts(parts: Parts) -> None:
    owners = parts.owners
    if owners is not None and owners and sum(1 for o in owners if o.is_primary) != 1:
        raise ValidationError({"owners": _("Exactly one owner must be the primary owner.")})
    for _name, rows in parts.given():
        for row in rows:
            if isinstance(row, ServiceStandard):
                read_standard_text(row)
            elif isinstance(row, Kpi):
                read_kpi_text(row)
            row.full_clean(exclude=["item", "content"])


def _current_parts(item: ServiceItem, content: ServiceContent | None, name: str) -> list:
    model = PART_MODELS[name]
    if model is Ownership:
        return list(
            Ownership.objects.filter(item=item, content=content).select_related("user", "team")
        )
    return list(model._default_manager.filter(item=item, content=content))


def _replace_parts(item, content, parts: Parts) -> dict:
    changes = {}
    for name, rows in parts.given():
        model = PART_MODELS[name]
        before = [part_label(p) for p in _current_parts(item, content, name)]
        model._default_manager.filter(item=item, content=content).delete()
        for position, row in enumerate(rows):
            row.pk = None
            row.item, row.content, row.position = item, content, position
        model._default_manager.bulk_create(rows)
        after = [part_label(p) for p in rows]
        if before != after:
            changes[name] = [before, after]
            if name == "standards":
                transaction.on_commit(
                    partial(standards_changed.send, sender=ServiceItem, item_id=item.pk)
                )
    return changes


def _save_entry(entry: ChecklistEntry, fields: Sequence[str], values: dict) -> dict:
    unknown = set(values) - set(fields)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    before = audit.snapshot(entry, values) if entry.pk else {}
    for name, value in values.items():
        setattr(entry, name, value)
    apply_frequency(entry)
    if entry.start_date and entry.end_date and entry.end_date < entry.start_date:
        raise ValidationError({"end_date": _("The end date is before the start date.")})
    entry.full_clean()
    return audit.diff(before, audit.snapshot(entry, values))


def _next_code(model, prefix: str, width: int) -> str:
    n = model.objects.filter(code__startswith=prefix).count() + 1
    while True:
        code = f"{prefix}{n:0{width}d}"
        if not model.objects.filter(code=code).exists():
            return code
        n += 1


def _bump_version(entry: ChecklistEntry, expected_version: int | None) -> None:
    bump_version(
        entry,
        expected_version,
        _("%(code)s was changed by someone else after you opened it. Reload and try again.")
        % {"code": entry.code},
    )


# --- Categories -------------------------------------------------------------------------------


@transaction.atomic
def do_create_category(actor, *, source: str = "web", **values) -> Category:
    check_can_manage(actor)
    category = Category(**values)
    category.full_clean()
    category.save()
    audit.record(
        actor=actor,
        action=Action.CREATE,
        obj=category,
        source=source,
        changes=audit.diff({}, audit.snapshot(category, values)),
    )
    return category


@transaction.atomic
def do_update_category(actor, category: Category, *, source: str = "web", **values) -> Category:
    check_can_manage(actor)
    unknown = set(values) - set(CATEGORY_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    parent = values.get("parent", category.parent)
    node = parent
    while node is not None:
        if node.pk == category.pk:
            raise ValidationError({"parent": _("A category cannot be placed under itself.")})
        node = node.parent
    before = audit.snapshot(category, values)
    for name, value in values.items():
        setattr(category, name, value)
    category.full_clean()
    category.save()
    audit.record(
        actor=actor,
        action=Action.UPDATE,
        obj=category,
        source=source,
        changes=audit.diff(before, audit.snapshot(category, values)),
    )
    return category


# --- Items ------------------------------------------------------------------------------------


@transaction.atomic
def do_create_item(
    actor, *, parts: Parts | None = None, source: str = "web", **values
) -> ServiceItem:
    check_can_manage(actor)
    parts = parts or Parts()
    item = ServiceItem()
    if not values.get("code"):
        values["code"] = _next_code(ServiceItem, "SVC-", 4)
    changes = _save_entry(item, ITEM_FIELDS, values)
    _validate_parts(parts)
    item.save()
    changes.update(_replace_parts(item, None, parts))
    audit.record(actor=actor, action=Action.CREATE, obj=item, changes=changes, source=source)
    return item


@transaction.atomic
def do_update_item(
    actor,
    item: ServiceItem,
    *,
    parts: Parts | None = None,
    expected_version: int | None = None,
    source: str = "web",
    **values,
) -> ServiceItem:
    check_can_edit_item(actor, item, values)
    parts = parts or Parts()
    changes = _save_entry(item, ITEM_FIELDS, values)
    _validate_parts(parts)
    _bump_version(item, expected_version)
    item.save()
    changes.update(_replace_parts(item, None, parts))
    if values.get("status") == Status.RETIRED and "status" in changes:
        ServiceContent.objects.filter(item=item).exclude(status=Status.RETIRED).update(
            status=Status.RETIRED
        )
    if changes.keys() & {"status", "owners"}:
        announce_item(item)  # content follows its item's status, and its owners when it has none
    audit.record(actor=actor, action=Action.UPDATE, obj=item, changes=changes, source=source)
    return item


def do_retire_item(actor, item: ServiceItem, *, source: str = "web") -> ServiceItem:
    """Retire an item and its content. History is kept: nothing in the checklist is deleted."""
    check_can_manage(actor)
    return do_update_item(actor, item, status=Status.RETIRED, source=source)


# --- Content ----------------------------------------------------------------------------------


@transaction.atomic
def do_create_content(
    actor, item: ServiceItem, *, parts: Parts | None = None, source: str = "web", **values
) -> ServiceContent:
    check_can_edit_item(actor, item)
    parts = parts or Parts()
    content = ServiceContent(item=item)
    if not values.get("code"):
        values["code"] = _next_code(ServiceContent, f"{item.code}-", 2)
    changes = _save_entry(content, CONTENT_FIELDS, values)
    _validate_parts(parts)
    content.save()
    changes.update(_replace_parts(item, content, parts))
    announce_contents([content.pk])
    audit.record(
        actor=actor, action=Action.CREATE, obj=content, changes=changes, source=source, parent=item
    )
    return content


@transaction.atomic
def do_update_content(
    actor,
    content: ServiceContent,
    *,
    parts: Parts | None = None,
    expected_version: int | None = None,
    source: str = "web",
    **values,
) -> ServiceContent:
    check_can_edit_content(actor, content, values)
    parts = parts or Parts()
    changes = _save_entry(content, CONTENT_FIELDS, values)
    _validate_parts(parts)
    _bump_version(content, expected_version)
    content.save()
    changes.update(_replace_parts(content.item, content, parts))
    if changes:
        announce_contents([content.pk])
    audit.record(
        actor=actor,
        action=Action.UPDATE,
        obj=content,
        changes=changes,
        source=source,
        parent=content.item,
    )
    return content


def do_retire_content(actor, content: ServiceContent, *, source: str = "web") -> ServiceContent:
    check_can_manage(actor)
    return do_update_content(actor, content, status=Status.RETIRED, source=source)


@transaction.atomic
def do_bulk_update_items(actor, items: Sequence[ServiceItem], *, source: str = "web", **values):
    """Apply the same field values (status, tier, next review date …) to several items at once."""
    check_can_manage(actor)
    allowed = {"status", "tier", "next_review_date", "review_cycle_months", "category"}
    if not values or set(values) - allowed:
        raise TypeError(f"bulk update takes only {sorted(allowed)}")
    return [do_update_item(actor, item, source=source, **values) for item in items]
