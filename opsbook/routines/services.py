"""What people do with routine work: complete, skip, reopen, reassign, and create on-demand work.

Each ``do_*`` runs in one transaction, locks the occurrence row, checks the actor through
``access.py`` and the occurrence's state, and writes an audit entry that the occurrence page
shows as its history. Pages, the API and commands call these; nothing else writes an
occurrence's status. ``now`` is passed by the caller (tests control time); ``None`` reads
``opsbook.core.clock``.

An actor of ``None`` is the system acting for nobody (a command, the demo loader, a test
factory) and is not checked.

Completing with procedure (SOP) steps still open is allowed, because the work may have been
done in a way the procedure did not foresee, but it needs a note saying why: the note is the
record a reviewer reads next to the unticked steps.
"""

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from opsbook.accounts.access import is_staff_member
from opsbook.accounts.choices import Role
from opsbook.accounts.models import User
from opsbook.audit.models import Action
from opsbook.audit.services import record
from opsbook.calendars.models import Calendar
from opsbook.catalog.choices import FrequencyKind, Status
from opsbook.catalog.models import ServiceContent
from opsbook.core import clock
from opsbook.core.text import multi_line
from opsbook.sops.models import StepRun
from opsbook.tickets.attachments import check_upload
from opsbook.tickets.models import Ticket

from . import access
from .choices import OccurrenceStatus, Source
from .generation import CalendarDays, assignments, start_procedure
from .models import Evidence, Occurrence

MAX_FILES = 10
MAX_NOTE = 5000
MAX_LINK = 1000
# How far ahead on-demand work may be planned.
MAX_DAYS_AHEAD = 366

# Pages and the API pass the signed-in user; None is the system acting for nobody.
Actor = User | AnonymousUser | None

link_validator = URLValidator(schemes=["http", "https"])


# --- helpers ----------------------------------------------------------------------------------


def _account(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) else None


def _check_actor(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _locked(occurrence: Occurrence) -> Occurrence:
    """The occurrence re-read under a row lock, so two people acting at once act in turn and
    the second sees the first one's change."""
    return (
        Occurrence.objects.select_for_update(of=("self",))
        .select_related("team", "content")
        .get(pk=occurrence.pk)
    )


def _refuse_unless_open(occurrence: Occurrence, field: str) -> None:
    messages = {
        OccurrenceStatus.DONE: _("This work was already completed."),
        OccurrenceStatus.SKIPPED: _("This work was already skipped."),
        OccurrenceStatus.MISSED: _(
            "This work was missed when its period ended; it can no longer be completed or skipped."
        ),
        OccurrenceStatus.CANCELLED: _("This work was cancelled; there is nothing left to do."),
    }
    if occurrence.status != OccurrenceStatus.OPEN:
        raise ValidationError({field: messages[OccurrenceStatus(occurrence.status)]})


def clean_text(value: str | None, field: str, *, required: bool = False, message: str = "") -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationError({field: message or _("This field is required.")})
    if len(text) > MAX_NOTE:
        raise ValidationError(
            {field: _("Write at most %(count)d characters.") % {"count": MAX_NOTE}}
        )
    try:
        multi_line(text)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None
    return text


def clean_link(value: str | None) -> str:
    """An http or https address, or ""; anything else (javascript:, data:, file:) is refused."""
    link = (value or "").strip()
    if not link:
        return ""
    if len(link) > MAX_LINK:
        raise ValidationError(
            {"link": _("A link is at most %(count)d characters.") % {"count": MAX_LINK}}
        )
    try:
        link_validator(link)
    except ValidationError:
        raise ValidationError(
            {"link": _("Enter a web address starting with http:// or https://.")}
        ) from None
    return link


def check_files(files: Sequence[UploadedFile]) -> None:
    """Count, total size and each file's size, type and first bytes, before anything is
    stored; the size is checked before a byte is read."""
    if len(files) > MAX_FILES:
        raise ValidationError(
            {"files": _("Attach at most %(count)d files at a time.") % {"count": MAX_FILES}}
        )
    limit = settings.ATTACHMENT_MAX_BYTES
    if sum(f.size or 0 for f in files) > limit:
        raise ValidationError(
            {
                "files": _("The files together are larger than %(limit)s.")
                % {"limit": filesizeformat(limit)}
            }
        )
    errors: list[str] = []
    for upload in files:
        try:
            check_upload(upload)
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError({"files": errors})


def open_steps(occurrence: Occurrence) -> int:
    """How many steps of the occurrence's procedure run are not done."""
    if occurrence.sop_run_id is None:
        return 0
    return StepRun.objects.filter(run_id=occurrence.sop_run_id, done_at__isnull=True).count()


def _audit(
    actor,
    occurrence: Occurrence,
    changes: dict,
    *,
    action: str = Action.UPDATE,
    source: str = "web",
) -> None:
    record(
        actor=actor,
        action=action,
        obj=occurrence,
        changes=changes,
        parent=occurrence.content,
        source=source,
    )


def period_is_open(occurrence: Occurrence, now: datetime) -> bool:
    return clock.localdate(now) <= occurrence.period_end


def is_late(occurrence: Occurrence, now: datetime) -> bool:
    """Open past its due time, or done after it (done exactly at the due time is on time)."""
    if occurrence.status == OccurrenceStatus.OPEN:
        return now > occurrence.due_at
    if occurrence.status == OccurrenceStatus.DONE and occurrence.completed_at is not None:
        return occurrence.completed_at > occurrence.due_at
    return False


# --- complete, skip, reopen, reassign ---------------------------------------------------------


@transaction.atomic
def do_complete_occurrence(
    user: Actor,
    occurrence: Occurrence,
    *,
    note: str = "",
    link: str = "",
    files: Sequence[UploadedFile] = (),
    now: datetime | None = None,
    source: str = "web",
) -> Occurrence:
    """Mark the work done with its evidence: a note, a link (http/https) and files.

    Refused for anything but an open occurrence. With procedure steps still open, a note
    saying why is required."""
    now = clock.or_now(now)
    occurrence = _locked(occurrence)
    if user is not None:
        _check_actor(access.can_act_on(user, occurrence), _("You may not complete this work."))
    _refuse_unless_open(occurrence, "status")
    note = clean_text(note, "note")
    link = clean_link(link)
    files = list(files)
    check_files(files)
    unfinished = open_steps(occurrence)
    if unfinished and not note:
        raise ValidationError(
            {
                "note": ngettext(
                    "%(count)d step of the procedure is not done; say in the note why the work "
                    "is complete without it.",
                    "%(count)d steps of the procedure are not done; say in the note why the "
                    "work is complete without them.",
                    unfinished,
                )
                % {"count": unfinished}
            }
        )
    occurrence.status = OccurrenceStatus.DONE
    occurrence.completed_at = now
    occurrence.completed_by = _account(user)
    occurrence.note = note
    occurrence.link = link
    occurrence.save(
        update_fields=["status", "completed_at", "completed_by", "note", "link", "updated_at"]
    )
    stored = [_store_evidence(occurrence, upload, user, now) for upload in files]
    changes: dict = {"status": (OccurrenceStatus.OPEN, OccurrenceStatus.DONE)}
    if note:
        changes["note"] = ("", note)
    if link:
        changes["link"] = ("", link)
    if stored:
        changes["evidence"] = ([], [e.name for e in stored])
    if unfinished:
        changes["open_steps"] = (None, unfinished)
    _audit(user, occurrence, changes, source=source)
    return occurrence


def _store_evidence(
    occurrence: Occurrence, upload: UploadedFile, user: Actor, now: datetime
) -> Evidence:
    checked = check_upload(upload)
    evidence = Evidence(
        occurrence=occurrence,
        name=checked.name,
        size=checked.size,
        content_type=checked.content_type,
        sha256=checked.sha256,
        uploaded_by=_account(user),
        uploaded_at=now,
    )
    evidence.file.save(checked.name, upload, save=False)
    evidence.save()
    return evidence


@transaction.atomic
def do_skip_occurrence(
    user: Actor,
    occurrence: Occurrence,
    *,
    reason: str,
    now: datetime | None = None,
    source: str = "web",
) -> Occurrence:
    """Skip the work, with the reason (required) on record; counted as skipped, not missed."""
    now = clock.or_now(now)
    occurrence = _locked(occurrence)
    if user is not None:
        _check_actor(access.can_act_on(user, occurrence), _("You may not skip this work."))
    _refuse_unless_open(occurrence, "status")
    reason = clean_text(reason, "reason", required=True, message=_("Say why this work is skipped."))
    occurrence.status = OccurrenceStatus.SKIPPED
    occurrence.skip_reason = reason
    occurrence.completed_at = now
    occurrence.completed_by = _account(user)
    occurrence.save(
        update_fields=["status", "skip_reason", "completed_at", "completed_by", "updated_at"]
    )
    _audit(
        user,
        occurrence,
        {"status": (OccurrenceStatus.OPEN, OccurrenceStatus.SKIPPED), "skip_reason": ("", reason)},
        source=source,
    )
    return occurrence


@transaction.atomic
def do_reopen_occurrence(
    user: Actor, occurrence: Occurrence, *, reason: str = "", now: datetime | None = None
) -> Occurrence:
    """Undo a wrong completion or skip while the occurrence's period is still open. The note,
    link and files stay (the history says who reopened it and why); the status, completion
    time and skip reason are cleared."""
    now = clock.or_now(now)
    occurrence = _locked(occurrence)
    if user is not None:
        _check_actor(access.can_reopen(user, occurrence), _("You may not reopen this work."))
    if occurrence.status not in {OccurrenceStatus.DONE, OccurrenceStatus.SKIPPED}:
        raise ValidationError({"status": _("Only completed or skipped work can be reopened.")})
    if not period_is_open(occurrence, now):
        raise ValidationError(
            {
                "status": _(
                    "The period of this work ended on %(day)s; its record can no longer change."
                )
                % {"day": occurrence.period_end.isoformat()}
            }
        )
    reason = clean_text(reason, "reason")
    before = occurrence.status
    changes: dict = {"status": (before, OccurrenceStatus.OPEN)}
    if reason:
        changes["reopen_reason"] = ("", reason)
    if occurrence.skip_reason:
        changes["skip_reason"] = (occurrence.skip_reason, "")
    occurrence.status = OccurrenceStatus.OPEN
    occurrence.completed_at = None
    occurrence.completed_by = None
    occurrence.skip_reason = ""
    occurrence.save(
        update_fields=["status", "completed_at", "completed_by", "skip_reason", "updated_at"]
    )
    _audit(user, occurrence, changes)
    return occurrence


def assignable_users():
    """Staff who may be given work (viewers only read)."""
    return User.objects.staff().exclude(role=Role.VIEWER)


def _check_assignee(assignee: User | None) -> None:
    if assignee is None:
        return
    if not is_staff_member(assignee) or assignee.role == Role.VIEWER:
        raise ValidationError({"assignee": _("Work can be given only to active staff.")})


@transaction.atomic
def do_reassign_occurrence(
    user: Actor, occurrence: Occurrence, assignee: User, *, now: datetime | None = None
) -> Occurrence:
    """Give open work to someone else (a staff member who is not a read-only viewer)."""
    now = clock.or_now(now)
    occurrence = _locked(occurrence)
    if user is not None:
        _check_actor(access.can_act_on(user, occurrence), _("You may not reassign this work."))
    _refuse_unless_open(occurrence, "assignee")
    if assignee is None:
        raise ValidationError({"assignee": _("Choose who does this work.")})
    _check_assignee(assignee)
    if occurrence.assignee_id == assignee.pk:
        return occurrence
    before = occurrence.assignee
    occurrence.assignee = assignee
    occurrence.reminded_at = None  # the new assignee gets their own reminder
    occurrence.save(update_fields=["assignee", "reminded_at", "updated_at"])
    _audit(user, occurrence, {"assignee": (before, assignee)})
    return occurrence


# --- on-demand work ---------------------------------------------------------------------------


def due_moment(content: ServiceContent, day: date, now: datetime) -> datetime:
    """When work of ``content`` due on ``day`` is due: the end of the day's last working
    window on the content's calendar (the default one when it names none), as the generator
    computes it; the end of the day, in the site's time zone, without any calendar."""
    calendar = content.calendar if content.calendar_id else Calendar.objects.default()
    if calendar is None:
        tz = ZoneInfo(settings.TIME_ZONE)
        return datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
    return CalendarDays(calendar, calendar.compile(), now, 1).due_at(day)


@transaction.atomic
def do_create_occurrence(
    user: Actor,
    content: ServiceContent,
    *,
    due_on: date,
    assignee: User | None = None,
    ticket: Ticket | None = None,
    note: str = "",
    now: datetime | None = None,
) -> Occurrence:
    """One piece of work for ``content`` due on ``due_on``, made by hand (or from ``ticket``).

    Meant for on-demand content; for recurring content it is an extra time on top of the
    schedule. It goes to ``assignee``, or the content's primary owner; the content's owners are
    its owners. Its period runs from today to the due day."""
    now = clock.or_now(now)
    content = ServiceContent.objects.select_related("item", "calendar").get(pk=content.pk)
    if user is not None:
        _check_actor(
            access.can_create_for_content(user, content, ticket),
            _("You may not create work for this service content."),
        )
    if content.status != Status.ACTIVE or content.item.status != Status.ACTIVE:
        raise ValidationError(
            {"content": _("Work can be created only for active service content.")}
        )
    if ticket is not None and ticket.item_id != content.item_id:
        raise ValidationError({"content": _("Choose content of the ticket's service item.")})
    today = clock.localdate(now)
    if due_on is None:
        raise ValidationError({"due_on": _("Choose the day the work is due.")})
    if due_on < today:
        raise ValidationError({"due_on": _("The due day cannot be in the past.")})
    if due_on > today + timedelta(days=MAX_DAYS_AHEAD):
        raise ValidationError(
            {"due_on": _("Plan at most %(days)d days ahead.") % {"days": MAX_DAYS_AHEAD}}
        )
    _check_assignee(assignee)
    note = clean_text(note, "note")
    # The owners and team as the generator gives them (the primary owner first).
    planned = assignments([(content.pk, content.item_id)])[content.pk]
    owners = list(User.objects.filter(pk__in=planned.owner_ids))
    owners.sort(key=lambda u: planned.owner_ids.index(u.pk))
    if assignee is None and planned.assignee_id is not None:
        assignee = User.objects.get(pk=planned.assignee_id)
    team_id = planned.team_id or (assignee.team_id if assignee is not None else None)
    occurrence = Occurrence.objects.create(
        content=content,
        source=Source.TICKET if ticket is not None else Source.MANUAL,
        period_start=min(today, due_on),
        period_end=due_on,
        index=1,
        planned_on=due_on,
        due_on=due_on,
        due_at=due_moment(content, due_on, now),
        assignee=assignee,
        team_id=team_id,
        ticket=ticket,
        effort_minutes=content.effort_minutes,
        note=note,
        created_at=now,
    )
    occurrence.owners.set(owners)
    start_procedure(occurrence, now)
    _audit(
        user,
        occurrence,
        {
            "source": occurrence.source,
            "due_on": due_on,
            "assignee": assignee,
            "ticket": ticket.pk if ticket is not None else None,
            "on_demand": content.frequency_kind != FrequencyKind.RECURRING,
        },
        action=Action.CREATE,
    )
    return occurrence
