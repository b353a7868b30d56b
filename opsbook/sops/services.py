"""Writes of the SOP app: procedures and their versions, runs, and completing their steps.

Versions: a procedure's steps are never edited in place. Saving steps that differ from the latest
version's makes a new version (number + 1, with a "what changed" note), whether or not the
procedure was used: one rule, and a run in progress keeps the version it started with
(``Run.version``). Saving the same steps again makes no version. The name, description,
attachments (service items, content, ticket types) and the active flag are the procedure's own
and change without a new version.

Runs: ``do_start_run`` starts the latest version; its first step becomes current at once with its
own clock (``clocks.due_at``); each later step starts its clock when the one before is done.
Steps are done in order.

Each ``do_*`` checks its actor through ``access.py`` (``None`` is the system: a command, the demo
loader, a test factory) and runs in one transaction.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max, Q
from django.utils.translation import gettext as _

from opsbook.accounts.choices import Role
from opsbook.accounts.models import User
from opsbook.audit.models import Action
from opsbook.audit.services import record
from opsbook.calendars.models import Calendar
from opsbook.catalog import access as catalog_access
from opsbook.catalog.models import ServiceContent, ServiceItem
from opsbook.core import clock
from opsbook.core.attachments import check_upload
from opsbook.core.errors import ConflictError
from opsbook.core.permissions import require
from opsbook.core.text import has_control_characters

from . import access, clocks
from .choices import Evidence
from .models import Procedure, Run, Step, StepRun, Version

MAX_STEPS = 50
MAX_POINTS = 30
MAX_LIMIT_MINUTES = 60 * 24 * 365  # a year of business minutes is surely a typo beyond
MAX_NOTE = 5000
RESPONSIBLE_ROLES = (Role.ADMIN, Role.MANAGER, Role.AGENT)


@dataclass
class StepSpec:
    """One step as a form or the API gives it."""

    name: str
    responsible_role: str = ""
    responsible_user: User | None = None
    time_limit_minutes: int | None = None
    evidence: str = Evidence.NONE
    checklist: list[str] = field(default_factory=list)

    def key(self) -> tuple[Any, ...]:
        return (
            self.name,
            self.responsible_role,
            getattr(self.responsible_user, "pk", None),
            self.time_limit_minutes,
            self.evidence,
            tuple(self.checklist),
        )

    @classmethod
    def of(cls, step: Step) -> "StepSpec":
        return cls(
            name=step.name,
            responsible_role=step.responsible_role,
            responsible_user=step.responsible_user,
            time_limit_minutes=step.time_limit_minutes,
            evidence=step.evidence,
            checklist=list(step.checklist or []),
        )


# --- checking input ---------------------------------------------------------------------------


def _one_line(value: str, name: str, *, limit: int = 200) -> str:
    text = " ".join(str(value or "").split())
    if has_control_characters(str(value or ""), multi_line=True):
        raise ValidationError({name: _("Control characters are not allowed.")})
    return text[:limit]


def clean_steps(steps: Sequence[StepSpec]) -> list[StepSpec]:
    """The steps checked and tidied; ValidationError ``{"steps": [...]}`` naming the step."""
    if not steps:
        raise ValidationError({"steps": _("A procedure needs at least one step.")})
    if len(steps) > MAX_STEPS:
        raise ValidationError(
            {"steps": _("A procedure has at most %(max)d steps.") % {"max": MAX_STEPS}}
        )
    cleaned = []
    for number, spec in enumerate(steps, 1):

        def problem(message: str, number: int = number) -> ValidationError:
            return ValidationError(
                {"steps": _("Step %(n)d: %(problem)s") % {"n": number, "problem": message}}
            )

        name = _one_line(spec.name, "steps")
        if not name:
            raise problem(_("give the step a name."))
        if spec.responsible_role and spec.responsible_role not in RESPONSIBLE_ROLES:
            raise problem(_("the responsible role must be an administrator, manager or agent."))
        user = spec.responsible_user
        if user is not None and not (
            user.is_active and user.is_staff_member and user.role != Role.VIEWER
        ):
            raise problem(
                _(
                    "%(user)s cannot be responsible for a step (an active member of staff who "
                    "works on tickets can)."
                )
                % {"user": user}
            )
        limit = spec.time_limit_minutes
        if limit is not None and not 1 <= limit <= MAX_LIMIT_MINUTES:
            raise problem(_("the time limit must be at least one minute and at most a year."))
        if spec.evidence not in Evidence.values:
            raise problem(_("unknown kind of evidence."))
        points = [_one_line(p, "steps") for p in spec.checklist]
        points = [p for p in points if p]
        if len(points) > MAX_POINTS:
            raise problem(_("at most %(max)d checklist points.") % {"max": MAX_POINTS})
        cleaned.append(StepSpec(name, spec.responsible_role, user, limit, spec.evidence, points))
    return cleaned


def _check_visible(actor, items: Sequence[ServiceItem], contents: Sequence[ServiceContent]):
    if actor is None:
        return
    visible_items = set(
        catalog_access.items_for_user(actor)
        .filter(pk__in=[i.pk for i in items])
        .values_list("pk", flat=True)
    )
    if any(i.pk not in visible_items for i in items):
        raise ValidationError({"items": _("Choose service items you may see.")})
    visible_contents = set(
        catalog_access.contents_for_user(actor)
        .filter(pk__in=[c.pk for c in contents])
        .values_list("pk", flat=True)
    )
    if any(c.pk not in visible_contents for c in contents):
        raise ValidationError({"contents": _("Choose service content you may see.")})


# --- ticket types -----------------------------------------------------------------------------
# The link "a ticket type follows this procedure" is the tickets app's TypeProcedure, reached
# through its reverse accessor on Procedure (no import of tickets: it is above this app).


def type_link_model() -> Any:
    """The model behind ``Procedure.ticket_types`` (the tickets app's TypeProcedure)."""
    return Procedure.ticket_types.rel.related_model


def ticket_type_choices() -> list[tuple[str, str]]:
    choices = type_link_model()._meta.get_field("type").choices or []
    return [(str(value), str(label)) for value, label in choices]


def ticket_types_of(procedure: Procedure) -> list[str]:
    return sorted(procedure.ticket_types.values_list("type", flat=True))


def procedures_by_type() -> dict[str, Procedure]:
    """Which procedure each ticket type follows now."""
    rows = type_link_model().objects.select_related("procedure")
    return {row.type: row.procedure for row in rows}


def _set_ticket_types(procedure: Procedure, types: Iterable[str]) -> None:
    """``procedure`` becomes the one procedure of each type in ``types`` (moved from another
    procedure if it had one) and stops being that of any other type."""
    wanted = list(dict.fromkeys(types))
    known = {value for value, _label in ticket_type_choices()}
    unknown = [t for t in wanted if t not in known]
    if unknown:
        raise ValidationError(
            {"ticket_types": _("Unknown ticket type %(type)s.") % {"type": unknown[0]}}
        )
    link = type_link_model()
    link.objects.filter(procedure=procedure).exclude(type__in=wanted).delete()
    for ticket_type in wanted:
        link.objects.update_or_create(type=ticket_type, defaults={"procedure": procedure})


# --- procedures -------------------------------------------------------------------------------


def latest_version(procedure: Procedure) -> Version | None:
    return procedure.versions.order_by("-number").first()


def _new_version(
    actor, procedure: Procedure, steps: list[StepSpec], note: str, now: datetime
) -> Version:
    number = (procedure.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = Version.objects.create(
        procedure=procedure,
        number=number,
        created_at=now,
        created_by=actor if isinstance(actor, User) else None,
        note=_one_line(note, "note"),
    )
    Step.objects.bulk_create(
        Step(
            version=version,
            position=position,
            name=spec.name,
            responsible_role=spec.responsible_role,
            responsible_user=spec.responsible_user,
            time_limit_minutes=spec.time_limit_minutes,
            evidence=spec.evidence,
            checklist=spec.checklist,
        )
        for position, spec in enumerate(steps, 1)
    )
    return version


def _clean_head(values: dict[str, Any]) -> None:
    if "name" in values:
        values["name"] = _one_line(values["name"], "name")
        if not values["name"]:
            raise ValidationError({"name": _("A procedure needs a name.")})
    if "description" in values:
        description = str(values["description"] or "").strip()
        if has_control_characters(description, multi_line=True):
            raise ValidationError({"description": _("Control characters are not allowed.")})
        values["description"] = description[:MAX_NOTE]


def _name_taken(name: str, procedure: Procedure | None) -> bool:
    others = Procedure.objects.filter(name=name)
    if procedure is not None:
        others = others.exclude(pk=procedure.pk)
    return others.exists()


@transaction.atomic
def do_create_procedure(
    actor,
    *,
    name: str,
    steps: Sequence[StepSpec],
    description: str = "",
    items: Sequence[ServiceItem] = (),
    contents: Sequence[ServiceContent] = (),
    ticket_types: Iterable[str] = (),
    note: str = "",
    source: str = "web",
    now: datetime | None = None,
) -> Procedure:
    """A new procedure with its first version (``source`` names where the change came from in
    the audit trail: web, api, demo)."""
    access.check_can_manage(actor)
    now = clock.or_now(now)
    values = {"name": name, "description": description}
    _clean_head(values)
    if _name_taken(values["name"], None):
        raise ValidationError({"name": _("There is already a procedure with this name.")})
    cleaned = clean_steps(steps)
    items, contents = list(items), list(contents)
    _check_visible(actor, items, contents)
    procedure = Procedure.objects.create(**values, created_at=now)
    procedure.items.set(items)
    procedure.contents.set(contents)
    _set_ticket_types(procedure, ticket_types)
    _new_version(actor, procedure, cleaned, note, now)
    record(
        actor=actor,
        action=Action.CREATE,
        obj=procedure,
        changes={"steps": [None, [s.name for s in cleaned]]},
        source=source,
    )
    return procedure


@transaction.atomic
def do_update_procedure(
    actor,
    procedure: Procedure,
    *,
    name: str | None = None,
    description: str | None = None,
    steps: Sequence[StepSpec] | None = None,
    note: str = "",
    items: Sequence[ServiceItem] | None = None,
    contents: Sequence[ServiceContent] | None = None,
    ticket_types: Iterable[str] | None = None,
    expected_version: int | None = None,
    source: str = "web",
    now: datetime | None = None,
) -> Procedure:
    """Change what is given (None: leave it). Steps that differ from the latest version's make
    a new version; runs keep theirs. ``expected_version``: the version number the caller's
    steps were based on; ConflictError when someone made a newer one since."""
    access.check_can_manage(actor)
    now = clock.or_now(now)
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    latest_number = procedure.versions.aggregate(n=Max("number"))["n"]
    if expected_version is not None and latest_number != expected_version:
        raise ConflictError(
            _(
                "%(name)s was changed by someone else since you opened it (now version "
                "%(theirs)s, yours %(yours)s). Reload it to see their change; your input has "
                "not been saved."
            )
            % {"name": procedure.name, "theirs": latest_number, "yours": expected_version}
        )
    values: dict[str, Any] = {}
    if name is not None:
        values["name"] = name
    if description is not None:
        values["description"] = description
    _clean_head(values)
    if "name" in values and _name_taken(values["name"], procedure):
        raise ValidationError({"name": _("There is already a procedure with this name.")})
    changes: dict[str, list[Any]] = {}
    for key, value in values.items():
        if getattr(procedure, key) != value:
            changes[key] = [getattr(procedure, key), value]
            setattr(procedure, key, value)
    if changes:
        procedure.save(update_fields=[*changes, "updated_at"])
    if items is not None or contents is not None:
        new_items = list(items) if items is not None else list(procedure.items.all())
        new_contents = list(contents) if contents is not None else list(procedure.contents.all())
        _check_visible(actor, new_items if items is not None else [], new_contents)
        before = sorted(str(i) for i in procedure.items.all())
        procedure.items.set(new_items)
        procedure.contents.set(new_contents)
        after = sorted(str(i) for i in new_items)
        if before != after:
            changes["items"] = [before, after]
    if ticket_types is not None:
        before_types = ticket_types_of(procedure)
        _set_ticket_types(procedure, ticket_types)
        after_types = ticket_types_of(procedure)
        if before_types != after_types:
            changes["ticket_types"] = [before_types, after_types]
    if steps is not None:
        cleaned = clean_steps(steps)
        latest = latest_version(procedure)
        current = [StepSpec.of(s) for s in latest.steps.all()] if latest else []
        if [s.key() for s in cleaned] != [s.key() for s in current]:
            version = _new_version(actor, procedure, cleaned, note, now)
            changes["version"] = [version.number - 1, version.number]
    record(actor=actor, action=Action.UPDATE, obj=procedure, changes=changes, source=source)
    return procedure


@transaction.atomic
def do_set_procedure_active(actor, procedure: Procedure, active: bool) -> Procedure:
    """Deactivate (no new run starts from it; runs in progress go on) or reactivate."""
    access.check_can_manage(actor)
    if procedure.is_active != active:
        procedure.is_active = active
        procedure.save(update_fields=["is_active", "updated_at"])
        record(
            actor=actor,
            action=Action.UPDATE,
            obj=procedure,
            changes={"is_active": [not active, active]},
        )
    return procedure


# --- which procedure applies ------------------------------------------------------------------


def procedure_for_item(item: ServiceItem | None) -> Procedure | None:
    """The active procedure attached to ``item`` (the first by name when several are)."""
    if item is None:
        return None
    return Procedure.objects.filter(items=item, is_active=True).order_by("name", "pk").first()


def procedure_for_content(content: ServiceContent | None) -> Procedure | None:
    """The active procedure attached to ``content``, else to its item; None when neither has
    one."""
    if content is None:
        return None
    own = Procedure.objects.filter(contents=content, is_active=True).order_by("name", "pk").first()
    return own or procedure_for_item(content.item)


def procedure_for(item: ServiceItem | None, content: ServiceContent | None) -> Procedure | None:
    """The content's procedure, else the item's (a ticket naming only an item)."""
    return procedure_for_content(content) if content is not None else procedure_for_item(item)


def procedures_for_contents(contents: Iterable[ServiceContent]) -> dict[int, Procedure]:
    """``procedure_for_content`` for many content at once (two queries), by content id; content
    without a procedure is left out. For the routines generator."""
    contents = list(contents)
    found: dict[int, Procedure] = {}
    by_item: dict[int, Procedure] = {}
    own = Procedure.contents.through.objects.filter(
        servicecontent_id__in=[c.pk for c in contents], procedure__is_active=True
    ).select_related("procedure")
    for link in sorted(own, key=lambda row: (row.procedure.name, row.procedure_id)):
        found.setdefault(link.servicecontent_id, link.procedure)
    items = Procedure.items.through.objects.filter(
        serviceitem_id__in={c.item_id for c in contents}, procedure__is_active=True
    ).select_related("procedure")
    for item_link in sorted(items, key=lambda row: (row.procedure.name, row.procedure_id)):
        by_item.setdefault(item_link.serviceitem_id, item_link.procedure)
    for content in contents:
        procedure = found.get(content.pk) or by_item.get(content.item_id)
        if procedure is not None:
            found[content.pk] = procedure
    return found


# --- runs -------------------------------------------------------------------------------------


def do_start_run(
    procedure: Procedure, *, calendar: Calendar | None, now: datetime | None = None
) -> Run:
    """A run of the procedure's latest version on ``calendar`` (None: the default business
    calendar, stored on the run so its clocks stay on it). Call it inside the caller's
    transaction (a ticket or occurrence being created), which then points at the run."""
    now = clock.or_now(now)
    version = latest_version(procedure)
    if version is None:
        raise ValidationError(_("The procedure %(name)s has no steps.") % {"name": procedure})
    calendar = clocks.calendar_or_default(calendar)
    with transaction.atomic():
        run = Run.objects.create(version=version, calendar=calendar, started_at=now)
        steps = list(version.steps.order_by("position"))
        StepRun.objects.bulk_create(
            StepRun(
                run=run,
                step=step,
                started_at=now if i == 0 else None,
                due_at=clocks.due_at(calendar, now, step.time_limit_minutes) if i == 0 else None,
            )
            for i, step in enumerate(steps)
        )
    return run


def start_runs(
    procedure: Procedure, *, calendar: Calendar | None, starts: Sequence[datetime]
) -> list[Run]:
    """``do_start_run`` for many runs of one procedure at once (a fixed number of queries), one
    per instant of ``starts``, in that order: for the routines generator. Each run's first step
    is current from its start, so pass the moment the work is planned to begin (not the
    moment it is generated) and its clock does not run before then."""
    if not starts:
        return []
    version = latest_version(procedure)
    if version is None:
        raise ValidationError(_("The procedure %(name)s has no steps.") % {"name": procedure})
    calendar = clocks.calendar_or_default(calendar)
    steps = list(version.steps.order_by("position"))
    with transaction.atomic():
        runs = Run.objects.bulk_create(
            Run(version=version, calendar=calendar, started_at=start) for start in starts
        )
        first = steps[0]
        StepRun.objects.bulk_create(
            StepRun(
                run=run,
                step=step,
                started_at=run.started_at if step is first else None,
                due_at=clocks.due_at(calendar, run.started_at, step.time_limit_minutes)
                if step is first
                else None,
            )
            for run in runs
            for step in steps
        )
    return runs


def current_step(run: Run) -> StepRun | None:
    """The first step not done yet (None when the run is complete)."""
    return run.step_runs.filter(done_at__isnull=True).order_by("step__position").first()


def _is_http_url(link: str) -> bool:
    try:
        URLValidator(schemes=["http", "https"])(link)
    except ValidationError:
        return False
    return True


def _check_evidence(
    step: Step, note: str, link: str, upload: UploadedFile | None, checked: list[int]
) -> None:
    """ValidationError naming what the step still needs."""
    errors: dict[str, str] = {}
    points = step.checklist or []
    missing = [points[i] for i in range(len(points)) if i not in checked]
    if missing:
        errors["checked"] = _("Tick every point of the checklist first: %(points)s.") % {
            "points": "; ".join(missing)
        }
    if step.evidence == Evidence.NOTE and not note:
        errors["note"] = _("This step needs a note saying what was done.")
    if step.evidence == Evidence.LINK and not link:
        errors["link"] = _("This step needs a link to the evidence (http or https).")
    if step.evidence == Evidence.ATTACHMENT and upload is None:
        errors["file"] = _("This step needs a file as evidence.")
    if link and ("link" not in errors) and (len(link) > 1000 or not _is_http_url(link)):
        errors["link"] = _("Enter a full web address starting with http:// or https://.")
    if errors:
        raise ValidationError(errors)


def _start_clock(step_run: StepRun, calendar: Calendar | None, now: datetime) -> None:
    step_run.started_at = now
    step_run.due_at = clocks.due_at(calendar, now, step_run.step.time_limit_minutes)
    step_run.overdue_notified_at = None
    step_run.save(update_fields=["started_at", "due_at", "overdue_notified_at"])


def _locked(step_run: StepRun) -> tuple[StepRun, Run]:
    run = (
        Run.objects.select_for_update(of=("self",))
        .select_related("calendar")
        .get(pk=step_run.run_id)
    )
    fresh = StepRun.objects.select_related("step").get(pk=step_run.pk)
    return fresh, run


@transaction.atomic
def do_complete_step(
    user,
    step_run: StepRun,
    *,
    note: str = "",
    link: str = "",
    file: UploadedFile | None = None,
    checked: Iterable[int] = (),
    now: datetime | None = None,
) -> StepRun:
    """Complete the run's current step with its evidence; the next step becomes current with
    its own clock, or the run is complete after the last one."""
    require(
        access.can_complete_step(user, step_run),
        _("You may not complete this step."),
    )
    now = clock.or_now(now)
    step_run, run = _locked(step_run)
    if step_run.done_at is not None:
        raise ValidationError(_("This step is already done."))
    current = current_step(run)
    if current is None or current.pk != step_run.pk:
        raise ValidationError(_("Complete the steps in order: an earlier step is still open."))
    note = str(note or "").strip()
    if has_control_characters(note, multi_line=True):
        raise ValidationError({"note": _("Control characters are not allowed.")})
    if len(note) > MAX_NOTE:
        raise ValidationError(
            {"note": _("A note has at most %(max)d characters.") % {"max": MAX_NOTE}}
        )
    link = str(link or "").strip()
    points = len(step_run.step.checklist or [])
    try:
        ticked = sorted({int(i) for i in checked})
    except (TypeError, ValueError):
        raise ValidationError({"checked": _("Unknown checklist point.")}) from None
    if any(not 0 <= i < points for i in ticked):
        raise ValidationError({"checked": _("Unknown checklist point.")})
    _check_evidence(step_run.step, note, link, file, ticked)
    if file is not None:
        checked_file = check_upload(file)  # before anything is written
        step_run.attachment.save(checked_file.name, file, save=False)
        step_run.attachment_name = checked_file.name
    step_run.note, step_run.link, step_run.checked = note, link, ticked
    step_run.done_at, step_run.done_by = now, user if isinstance(user, User) else None
    step_run.save()
    following = current_step(run)
    if following is None:
        run.completed_at = now
        run.save(update_fields=["completed_at"])
    else:
        _start_clock(following, run.calendar, now)
    return step_run


@transaction.atomic
def do_reopen_step(user, step_run: StepRun, *, now: datetime | None = None) -> StepRun:
    """Managers: undo the completion of the last step done (its evidence is kept); it becomes
    current again with a new clock, and the step after it waits again."""
    if user is not None and not access.can_reopen_step(user):
        raise PermissionDenied(_("Only managers reopen a step."))
    now = clock.or_now(now)
    step_run, run = _locked(step_run)
    if step_run.done_at is None:
        raise ValidationError(_("This step is not done."))
    later_done = run.step_runs.filter(
        step__position__gt=step_run.step.position, done_at__isnull=False
    )
    if later_done.exists():
        raise ValidationError(_("Only the last step done can be reopened."))
    for waiting in run.step_runs.filter(
        Q(step__position__gt=step_run.step.position), Q(started_at__isnull=False)
    ):
        waiting.started_at = waiting.due_at = waiting.overdue_notified_at = None
        waiting.save(update_fields=["started_at", "due_at", "overdue_notified_at"])
    step_run.done_at, step_run.done_by = None, None
    step_run.save(update_fields=["done_at", "done_by"])
    _start_clock(step_run, run.calendar, now)
    if run.completed_at is not None:
        run.completed_at = None
        run.save(update_fields=["completed_at"])
    return step_run
