"""Writes to tickets. Each ``do_*`` function is one transaction that locks the ticket, checks
the caller's permission and the ticket's version (optimistic locking), records timeline events,
recomputes the SLA clocks from the status history and stores their results, and sends
notifications only after the transaction commits.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from opsbook.accounts.choices import Role
from opsbook.accounts.models import Customer, Team, User
from opsbook.calendars.businesstime import CompiledCalendar
from opsbook.calendars.models import Calendar
from opsbook.catalog.choices import Channel, Priority, TimeBasis
from opsbook.catalog.choices import Status as ItemStatus
from opsbook.catalog.models import Ownership, ServiceContent, ServiceItem, ServiceStandard
from opsbook.core import clock
from opsbook.core.errors import ConflictError
from opsbook.core.locking import lock_version

from . import access, notifications, satisfaction
from .attachments import check_upload
from .choices import (
    EventKind,
    FollowUpMethod,
    Source,
    Status,
    TicketType,
)
from .models import (
    REOPEN_FROM,
    Attachment,
    Comment,
    FollowUp,
    SatisfactionRequest,
    Tag,
    Ticket,
    TicketEvent,
)
from .sla import ONE_SECOND, ROUND_THE_CLOCK, Policy, SlaResult, compute

__all__ = ["ConflictError"]

EDITABLE_FIELDS = (
    "title",
    "description",
    "type",
    "channel",
    "priority",
    "item",
    "content",
    "customer",
    "contact",
    "requester_name",
    "requester_email",
    "requester_phone",
    "root_cause",
)
# Changing these changes which service standard applies.
POLICY_FIELDS = {"channel", "priority", "item", "content"}


# --- SLA ------------------------------------------------------------------------------------


class CalendarCache:
    """Compiled calendars by id, rebuilt when the calendar's version moves on.

    The stamp includes the creation time as well as the version: a calendar deleted and created
    again can get the same id (SQLite reuses the highest rowid) and the same version number.
    """

    def __init__(self):
        self._compiled: dict[int, tuple[tuple, CompiledCalendar]] = {}

    @staticmethod
    def _stamp(calendar: Calendar) -> tuple:
        return (calendar.version, calendar.created_at)

    def get(self, calendar: Calendar) -> CompiledCalendar:
        stamp = self._stamp(calendar)
        hit = self._compiled.get(calendar.pk)
        if hit is not None and hit[0] == stamp:
            return hit[1]
        compiled = calendar.compile()
        self._compiled[calendar.pk] = (stamp, compiled)
        return compiled


calendars = CalendarCache()


def find_standard(
    item_id: int | None, content_id: int | None, channel: str, priority: str
) -> ServiceStandard | None:
    """The service standard for a ticket: content-specific before item-wide, exact priority
    before "every priority"; None when the item sets no target for the channel."""
    if item_id is None:
        return None
    candidates = ServiceStandard.objects.filter(
        Q(content__isnull=True) | Q(content_id=content_id),
        Q(priority=priority) | Q(priority=""),
        item_id=item_id,
        channel=channel,
    ).select_related("calendar")
    return pick_standard(candidates, content_id, channel, priority)


def pick_standard(
    standards: Iterable[ServiceStandard], content_id: int | None, channel: str, priority: str
) -> ServiceStandard | None:
    """``find_standard`` among standards of one item already in memory."""

    def rank(standard: ServiceStandard):
        return (
            standard.content_id is None,
            standard.priority == "",
            standard.position,
            standard.pk,
        )

    candidates = [
        s
        for s in standards
        if s.channel == channel
        and s.content_id in (None, content_id)
        and s.priority in ("", priority)
    ]
    return min(candidates, key=rank, default=None)


@dataclass
class PolicyChoice:
    standard: ServiceStandard | None
    calendar: Calendar | None
    policy: Policy | None


class PolicyResolver:
    """Looks up the standard, calendar and compiled calendar for tickets, with caches so a
    batch (an import, a recomputation) reads each standard and calendar once."""

    def __init__(self):
        self._standards: dict[tuple, ServiceStandard | None] = {}
        self._default: Calendar | bool | None = False
        self._of_item: dict[int, list[ServiceStandard]] = {}

    def preload(self, item_ids: Iterable[int]) -> None:
        """Read the standards of these items at once (a query per 1,000 items), so choosing
        for any channel and priority of theirs asks the database nothing more (imports)."""
        wanted = sorted(set(item_ids) - set(self._of_item))
        for start in range(0, len(wanted), 1000):
            chunk = wanted[start : start + 1000]
            for item_id in chunk:
                self._of_item[item_id] = []
            for standard in ServiceStandard.objects.filter(item_id__in=chunk).select_related(
                "calendar"
            ):
                self._of_item[standard.item_id].append(standard)

    def default_calendar(self) -> Calendar | None:
        if self._default is False:
            self._default = Calendar.objects.filter(is_default=True).first()
        return self._default

    def choose(self, item_id, content_id, channel, priority) -> PolicyChoice:
        key = (item_id, content_id, channel, priority)
        if key not in self._standards:
            if item_id in self._of_item:
                self._standards[key] = pick_standard(
                    self._of_item[item_id], content_id, channel, priority
                )
            else:
                self._standards[key] = find_standard(item_id, content_id, channel, priority)
        standard = self._standards[key]
        if standard is None:
            return PolicyChoice(None, None, None)
        calendar = standard.calendar or self.default_calendar()
        share = settings.OPSBOOK_SLA_WARNING_PERCENT / 100
        response = standard.response_minutes * 60 if standard.response_minutes is not None else None
        resolution = (
            standard.resolution_minutes * 60 if standard.resolution_minutes is not None else None
        )
        if standard.time_basis == TimeBasis.CALENDAR:
            policy = Policy(response, resolution, ROUND_THE_CLOCK, False, share)
        else:
            compiled = calendars.get(calendar) if calendar is not None else None
            policy = Policy(response, resolution, compiled, True, share)
        return PolicyChoice(standard, calendar, policy)


def sla_values(
    ticket: Ticket,
    changes: Sequence[tuple[datetime, str]],
    now: datetime,
    resolver: PolicyResolver | None = None,
) -> dict:
    """The stored SLA columns for ``ticket`` as of ``now`` (assigned, not saved)."""
    resolver = resolver or PolicyResolver()
    choice = resolver.choose(ticket.item_id, ticket.content_id, ticket.channel, ticket.priority)
    values = {
        "sla_standard": choice.standard,
        "sla_calendar": choice.calendar,
        "sla_calendar_version": choice.calendar.version if choice.calendar else None,
        "sla_time_basis": choice.standard.time_basis if choice.standard else "",
        "sla_computed_at": now,
    }
    if choice.policy is None:
        return values | {
            "response_target_seconds": None,
            "resolution_target_seconds": None,
            "response_due_at": None,
            "resolution_due_at": None,
            "response_warn_at": None,
            "resolution_warn_at": None,
            "response_business_seconds": None,
            "resolution_business_seconds": None,
            "paused_business_seconds": 0,
            "response_breached": False,
            "resolution_breached": False,
            "calendar_incomplete": False,
        }
    result: SlaResult = compute(
        choice.policy,
        created_at=ticket.created_at,
        changes=changes,
        first_response_at=ticket.first_response_at,
        now=now,
    )
    r, s = result.response, result.resolution
    return values | {
        "response_target_seconds": choice.policy.response_seconds,
        "resolution_target_seconds": choice.policy.resolution_seconds,
        "response_due_at": r.due_at,
        "resolution_due_at": s.due_at,
        "response_warn_at": r.warn_at,
        "resolution_warn_at": s.warn_at,
        "response_business_seconds": r.elapsed,
        "resolution_business_seconds": s.elapsed,
        "paused_business_seconds": result.paused_seconds,
        "response_breached": r.breached,
        "resolution_breached": s.breached,
        "calendar_incomplete": result.calendar_incomplete,
        "_running": {"response": r.running, "resolution": s.running},
    }


def next_check(ticket: Ticket, running: dict) -> datetime | None:
    """The earliest warning or breach moment not yet acted on, for the SLA job: a running
    clock's warning instant, and the first second after its due time (on time until then)."""
    moments = []
    for which in ("response", "resolution"):
        if not running.get(which):
            continue
        warn_at = getattr(ticket, f"{which}_warn_at")
        due_at = getattr(ticket, f"{which}_due_at")
        if warn_at and getattr(ticket, f"{which}_warned_at") is None:
            moments.append(warn_at)
        if due_at and getattr(ticket, f"{which}_breach_notified_at") is None:
            moments.append(due_at + ONE_SECOND)
    return min(moments) if moments else None


_next_check = next_check

HISTORY_KINDS = (EventKind.CREATED, EventKind.STATUS)


def history_from_events(
    created_at: datetime, rows: Iterable[tuple[int, datetime, str, str, str]]
) -> list[tuple[datetime, str]]:
    """The ``(at, status)`` history ``sla.compute`` reads, from ``(id, at, kind, from_status,
    to_status)`` rows of one ticket's creation and status events.

    Ordered by time (the creation first when a change carries the same instant, then by id);
    a history without its creation event (an import that only had the changes) starts with the
    status the first change left, held from creation.
    """
    ordered = sorted(rows, key=lambda r: (r[1], r[2] != EventKind.CREATED, r[0]))
    changes = [(at, to_status) for _id, at, _kind, _from, to_status in ordered if to_status]
    if ordered and ordered[0][2] != EventKind.CREATED and ordered[0][3]:
        changes.insert(0, (created_at, ordered[0][3]))
    return changes


def _history_rows(events):
    return (
        events.filter(kind__in=HISTORY_KINDS)
        .exclude(to_status="")
        .values_list("id", "at", "kind", "from_status", "to_status")
    )


def status_history(ticket: Ticket) -> list[tuple[datetime, str]]:
    return history_from_events(ticket.created_at, _history_rows(ticket.events.all()))


def status_histories(tickets: Iterable[Ticket]) -> dict[int, list[tuple[datetime, str]]]:
    """``status_history`` of many tickets in one query (by ticket id)."""
    tickets = list(tickets)
    rows: dict[int, list] = {t.pk: [] for t in tickets}
    events = TicketEvent.objects.filter(ticket_id__in=list(rows))
    for ticket_id, *row in _history_rows(events).values_list(
        "ticket_id", "id", "at", "kind", "from_status", "to_status"
    ):
        rows[ticket_id].append(tuple(row))
    return {t.pk: history_from_events(t.created_at, rows[t.pk]) for t in tickets}


def apply_sla(
    ticket: Ticket,
    changes: Sequence[tuple[datetime, str]],
    now: datetime,
    resolver: PolicyResolver | None = None,
) -> dict:
    """Set the SLA columns on ``ticket`` (not saved), including the next check moment, and
    return which clocks are running (``{"response": bool, "resolution": bool}``).

    Warning and breach markers are cleared when a recomputation moves the moment they
    marked into the future again (e.g. a holiday added to the calendar), so the warning is
    given again at the right time.
    """
    values = sla_values(ticket, changes, now, resolver)
    running = values.pop("_running", {})
    for name, value in values.items():
        setattr(ticket, name, value)
    for which in ("response", "resolution"):
        warn_at = getattr(ticket, f"{which}_warn_at")
        if warn_at is None or warn_at > now:
            setattr(ticket, f"{which}_warned_at", None)
        if not getattr(ticket, f"{which}_breached"):
            setattr(ticket, f"{which}_breach_notified_at", None)
    ticket.sla_next_check_at = next_check(ticket, running)
    return running


SLA_FIELDS = [
    "sla_standard",
    "sla_calendar",
    "sla_calendar_version",
    "sla_time_basis",
    "sla_computed_at",
    "response_target_seconds",
    "resolution_target_seconds",
    "response_due_at",
    "resolution_due_at",
    "response_warn_at",
    "resolution_warn_at",
    "response_business_seconds",
    "resolution_business_seconds",
    "paused_business_seconds",
    "response_breached",
    "resolution_breached",
    "calendar_incomplete",
    "sla_next_check_at",
    "response_warned_at",
    "resolution_warned_at",
    "response_breach_notified_at",
    "resolution_breach_notified_at",
]


def recompute_sla(ticket: Ticket, now: datetime | None = None, resolver=None) -> Ticket:
    """Rebuild the clocks of one ticket from its history and store them."""
    apply_sla(ticket, status_history(ticket), now or clock.now(), resolver)
    ticket.save(update_fields=SLA_FIELDS)
    return ticket


def recompute_many(tickets: Sequence[Ticket], now: datetime, resolver=None) -> None:
    """``recompute_sla`` for a batch: one query for the histories, one bulk update."""
    resolver = resolver or PolicyResolver()
    histories = status_histories(tickets)
    for ticket in tickets:
        apply_sla(ticket, histories[ticket.pk], now, resolver)
    Ticket.objects.bulk_update(tickets, SLA_FIELDS)


# --- helpers --------------------------------------------------------------------------------


def _lock(ticket: Ticket, expected_version: int | None) -> Ticket:
    return lock_version(
        ticket,
        expected_version,
        _(
            "Ticket %(number)s was changed by someone else since you opened it "
            "(version %(theirs)s, yours %(yours)s). Reload it to see their change; "
            "your input has not been saved."
        ),
        number=ticket.number,
    )


def _bump(ticket: Ticket, now: datetime) -> None:
    ticket.version = F("version") + 1
    ticket.updated_at = now


def _save(ticket: Ticket, fields: Iterable[str]) -> None:
    ticket.save(update_fields=sorted({*fields, "version", "updated_at"}))
    ticket.refresh_from_db(fields=["version"])


def _event(
    ticket, kind, actor=None, at=None, *, public=False, from_status="", to_status="", **data
):
    return TicketEvent.objects.create(
        ticket=ticket,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        at=at or clock.now(),
        from_status=from_status,
        to_status=to_status,
        is_public=public,
        data=data,
    )


def _require_worker(actor, ticket: Ticket | None = None) -> None:
    if ticket is None:
        if not access.can_work_tickets(actor):
            raise PermissionDenied(_("You may not work on tickets."))
    elif not access.can_edit_ticket(actor, ticket):
        raise PermissionDenied(_("You may not change this ticket."))


def _check_assignee(user: User | None) -> None:
    if user is None:
        return
    if not (user.is_active and user.is_staff_member and user.role != Role.VIEWER):
        raise ValidationError(
            {"assignee": _("%(user)s cannot be assigned tickets.") % {"user": user}}
        )


def default_assignment(item: ServiceItem | None, content: ServiceContent | None):
    """(assignee, team) from the primary owner of the content, else of the item."""
    if item is None:
        return None, None
    owners = Ownership.objects.filter(item=item, is_primary=True).select_related("user", "team")
    owners = sorted(owners, key=lambda o: (o.content_id != getattr(content, "pk", None), o.pk))
    for owner in owners:
        if owner.content_id not in (None, getattr(content, "pk", None)):
            continue
        if owner.user is not None and owner.user.is_active:
            return owner.user, owner.user.team
        if owner.team is not None:
            return None, owner.team
    return None, None


def _tags(names: Iterable[str]) -> list[Tag]:
    cleaned = []
    for name in names:
        name = " ".join(str(name).split())[:50]
        if name and name not in cleaned:
            cleaned.append(name)
    existing = {t.name: t for t in Tag.objects.filter(name__in=cleaned)}
    return [existing.get(n) or Tag.objects.create(name=n) for n in cleaned]


def _check_references(actor, fields: dict, changed: Iterable[str] | None = None) -> None:
    """References in the input must be things the caller may see and that fit together.

    ``fields`` holds the ticket's item, content, customer and contact as they will be;
    ``changed`` names those the caller sets now (all of them when creating). A reference kept
    from before is not re-checked for visibility (a retired item stays on its old tickets), but
    it must still fit a changed neighbour: new content must belong to the item, a contact must
    belong to the (possibly new) customer.
    """
    changed = set(fields if changed is None else changed)
    item, content = fields.get("item"), fields.get("content")
    customer, contact = fields.get("customer"), fields.get("contact")
    if (
        "item" in changed
        and item is not None
        and not access.items_for_new_ticket(actor).filter(pk=item.pk).exists()
    ):
        raise ValidationError({"item": _("Choose one of the services you may raise tickets on.")})
    if content is not None and changed & {"item", "content"}:
        if item is None or content.item_id != item.pk:
            raise ValidationError({"content": _("This content belongs to another service item.")})
        if "content" in changed and content.status == ItemStatus.RETIRED:
            raise ValidationError({"content": _("This content is retired.")})
    if "customer" in changed and customer is not None and not customer.is_active:
        raise ValidationError({"customer": _("This customer is inactive.")})
    if (
        contact is not None
        and changed & {"customer", "contact"}
        and (contact.role != Role.CUSTOMER or contact.customer_id != getattr(customer, "pk", None))
    ):
        raise ValidationError(
            {"contact": _("The contact must be a contact of the ticket's customer.")}
        )


def _clean_text(fields: dict) -> None:
    title = " ".join(str(fields.get("title", "")).split())
    if "title" in fields:
        if not title:
            raise ValidationError({"title": _("A ticket needs a title.")})
        fields["title"] = title[:200]
    for choice_field, choices in (
        ("type", TicketType),
        ("channel", Channel),
        ("priority", Priority),
    ):
        if choice_field in fields and fields[choice_field] not in choices.values:
            raise ValidationError({choice_field: _("Unknown value %r.") % fields[choice_field]})


# --- create and edit ------------------------------------------------------------------------


@transaction.atomic
def do_create_ticket(
    actor: User | None,
    *,
    title: str,
    channel: str,
    description: str = "",
    type: str = TicketType.CONSULTATION,
    priority: str = Priority.NORMAL,
    item: ServiceItem | None = None,
    content: ServiceContent | None = None,
    customer: Customer | None = None,
    contact: User | None = None,
    requester_name: str = "",
    requester_email: str = "",
    requester_phone: str = "",
    assignee: User | None = None,
    team: Team | None = None,
    tags: Iterable[str] = (),
    watchers: Iterable[User] = (),
    source: str = Source.WEB,
    files: Sequence = (),
    now: datetime | None = None,
) -> Ticket:
    """Open a ticket. Customers open them for their own organisation on services it receives
    (``actor`` is the contact); ``actor=None`` is the public feedback form."""
    now = now or clock.now()
    fields = {
        "title": title,
        "description": description.strip(),
        "type": type,
        "channel": channel,
        "priority": priority,
        "item": item,
        "content": content,
        "customer": customer,
        "contact": contact,
        "requester_name": requester_name.strip()[:100],
        "requester_email": requester_email.strip(),
        "requester_phone": requester_phone.strip()[:40],
    }
    _clean_text(fields)
    if actor is None:
        if source != Source.PUBLIC_FORM:
            raise PermissionDenied(_("Sign in to open a ticket."))
        if item is not None or customer is not None or contact is not None:
            raise PermissionDenied(_("The public form cannot name services or customers."))
        if not (fields["requester_email"] or fields["requester_phone"]):
            raise ValidationError(
                {"requester_email": _("Leave an e-mail address or a phone number.")}
            )
        assignee = team = None
    elif access.is_customer(actor):
        if item is None:
            raise ValidationError({"item": _("Choose the service this is about.")})
        fields |= {"customer": actor.customer, "contact": actor}
        fields["channel"] = Channel.PORTAL
        fields["priority"] = priority if priority != Priority.URGENT else Priority.HIGH
        source = Source.PORTAL
        assignee = team = None
        watchers = ()
        _check_references(actor, fields)
    else:
        _require_worker(actor)
        _check_references(actor, fields)
    if actor is None or access.is_customer(actor) or (assignee is None and team is None):
        assignee, team = default_assignment(fields["item"], fields["content"])
    _check_assignee(assignee)
    if assignee is not None and team is None:
        team = assignee.team

    for upload in files:
        check_upload(upload)  # refuse a bad file before anything is written
    ticket = Ticket(
        **fields,
        assignee=assignee,
        team=team,
        source=source,
        created_by=actor if getattr(actor, "pk", None) else None,
        created_at=now,
        updated_at=now,
    )
    ticket.full_clean(exclude=["item", "content", "customer", "contact", "assignee", "team"])
    ticket.save()
    if tags:
        ticket.tags.set(_tags(tags))
    watcher_list = [w for w in watchers if w.is_active and w.is_staff_member]
    if watcher_list:
        ticket.watchers.set(watcher_list)
    _event(ticket, EventKind.CREATED, actor, now, public=True, to_status=Status.NEW)
    if assignee is not None:
        _event(ticket, EventKind.ASSIGNED, actor, now, assignee=assignee.pk, name=str(assignee))
    for upload in files:
        _store_attachment(ticket, upload, actor, comment=None, public=True, now=now)
    recompute_sla(ticket, now)
    notifications.on_commit_created(ticket, actor)
    return ticket


@transaction.atomic
def do_update_ticket(
    actor: User, ticket: Ticket, *, expected_version: int | None, tags=None, **changes
) -> Ticket:
    """Change fields (see EDITABLE_FIELDS) and tags; the clocks follow a new policy."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be changed here: %s") % ", ".join(unknown))
    _require_worker(actor, ticket)
    ticket = _lock(ticket, expected_version)
    now = clock.now()
    _clean_text(changes)
    merged = {name: getattr(ticket, name) for name in ("item", "content", "customer", "contact")}
    changed_refs = {
        name for name, value in changes.items() if name in merged and merged[name] != value
    }
    merged |= {k: v for k, v in changes.items() if k in merged}
    if changed_refs:
        _check_references(actor, merged, changed_refs)
    before = {name: getattr(ticket, name) for name in changes}
    for name, value in changes.items():
        setattr(ticket, name, value)
    changed = {
        name: [str(before[name] or ""), str(value or "")]
        for name, value in changes.items()
        if before[name] != value
    }
    tag_change = None
    if tags is not None:
        new_tags = _tags(tags)
        old = sorted(t.name for t in ticket.tags.all())
        if sorted(t.name for t in new_tags) != old:
            ticket.tags.set(new_tags)
            tag_change = [", ".join(old), ", ".join(sorted(t.name for t in new_tags))]
    if not changed and tag_change is None:
        return ticket
    if tag_change:
        changed["tags"] = tag_change
    ticket.full_clean(exclude=["item", "content", "customer", "contact", "assignee", "team"])
    _bump(ticket, now)
    _save(ticket, changes)
    _event(ticket, EventKind.CHANGED, actor, now, changes=changed)
    if POLICY_FIELDS & set(changed):
        recompute_sla(ticket, now)
    return ticket


@transaction.atomic
def do_assign_ticket(
    actor: User,
    ticket: Ticket,
    *,
    assignee: User | None,
    team: Team | None = None,
    expected_version: int | None = None,
) -> Ticket:
    """Give the ticket to ``assignee`` (None: unassigned) and ``team``. Without a team, the
    ticket goes to the assignee's team, or stays with its own (unassigning, or an assignee in
    no team, leaves it in its team's queue instead of taking it out of every agent's view)."""
    _require_worker(actor, ticket)
    _check_assignee(assignee)
    ticket = _lock(ticket, expected_version)
    if team is None:
        team = assignee.team if assignee is not None and assignee.team_id else ticket.team
    # Agents hand tickets over inside their team; managers move them between teams.
    moves_team = team is not None and team.pk not in (actor.team_id, ticket.team_id)
    if moves_team and not access.can_manage_tickets(actor):
        raise PermissionDenied(_("Only managers move tickets to another team."))
    if ticket.assignee_id == getattr(assignee, "pk", None) and ticket.team_id == getattr(
        team, "pk", None
    ):
        return ticket
    now = clock.now()
    ticket.assignee, ticket.team = assignee, team
    _bump(ticket, now)
    _save(ticket, ["assignee", "team"])
    _event(
        ticket,
        EventKind.ASSIGNED,
        actor,
        now,
        assignee=getattr(assignee, "pk", None),
        name=str(assignee or ""),
        team=str(team or ""),
    )
    if assignee is not None and assignee != actor:
        notifications.on_commit_assigned(ticket, assignee)
    return ticket


@transaction.atomic
def do_set_watchers(
    actor: User, ticket: Ticket, *, add: Iterable[User] = (), remove: Iterable[User] = ()
) -> Ticket:
    _require_worker(actor, ticket)
    add = [u for u in add if u.is_active and u.is_staff_member]
    remove = list(remove)
    if add:
        ticket.watchers.add(*add)
    if remove:
        ticket.watchers.remove(*remove)
    if add or remove:
        _event(
            ticket,
            EventKind.WATCHERS,
            actor,
            added=[str(u) for u in add],
            removed=[str(u) for u in remove],
        )
    return ticket


# --- status ---------------------------------------------------------------------------------


def _check_transition(ticket: Ticket, to_status: str, now: datetime) -> None:
    """ValidationError unless ``ticket`` may move to ``to_status`` now."""
    if to_status not in Status.values:
        raise ValidationError({"status": _("Unknown status %r.") % to_status})
    if not ticket.can_transition_to(to_status, now):
        if ticket.status in REOPEN_FROM and to_status == Status.IN_PROGRESS:
            raise ValidationError(
                {
                    "status": _(
                        "This ticket can no longer be reopened: the %(days)s-day window after "
                        "resolution has passed. Open a new ticket instead."
                    )
                    % {"days": settings.OPSBOOK_TICKET_REOPEN_DAYS}
                }
            )
        raise ValidationError(
            {
                "status": _("A ticket that is %(current)s cannot become %(new)s.")
                % {
                    "current": Status(ticket.status).label,
                    "new": Status(to_status).label,
                }
            }
        )
    if to_status == Status.CLOSED:
        blockers = ticket.closing_blockers()
        if blockers:
            raise ValidationError({"status": blockers})


def _set_status(ticket: Ticket, to_status: str, actor, now: datetime, note: str = "") -> None:
    """Move a locked ticket to ``to_status`` (no save); raises ValidationError when not allowed."""
    _check_transition(ticket, to_status, now)
    previous = ticket.status
    if previous in REOPEN_FROM and to_status == Status.IN_PROGRESS:
        ticket.reopened_count += 1
        ticket.resolved_at = ticket.closed_at = None
    if to_status == Status.ACKNOWLEDGED and ticket.acknowledged_at is None:
        ticket.acknowledged_at = now
    if to_status == Status.RESOLVED:
        ticket.resolved_at = now
    if to_status == Status.CLOSED:
        ticket.closed_at = now
    if to_status == Status.CANCELLED:
        ticket.cancelled_at = now
    ticket.status = to_status
    data = {"note": note} if note else {}
    _event(
        ticket,
        EventKind.STATUS,
        actor,
        now,
        public=True,
        from_status=previous,
        to_status=to_status,
        **data,
    )


STATUS_FIELDS = [
    "status",
    "acknowledged_at",
    "resolved_at",
    "closed_at",
    "cancelled_at",
    "reopened_count",
]


@transaction.atomic
def do_change_status(
    actor: User,
    ticket: Ticket,
    to_status: str,
    *,
    expected_version: int | None = None,
    note: str = "",
    now: datetime | None = None,
) -> Ticket:
    """Move a ticket through its status machine (see models.TRANSITIONS)."""
    _require_worker(actor, ticket)
    ticket = _lock(ticket, expected_version)
    now = now or clock.now()
    if ticket.status == to_status:
        return ticket
    _set_status(ticket, to_status, actor, now, note)
    _bump(ticket, now)
    _save(ticket, STATUS_FIELDS)
    recompute_sla(ticket, now)
    notifications.on_commit_status(ticket, to_status)
    return ticket


def acknowledge(actor, ticket, **kw):
    return do_change_status(actor, ticket, Status.ACKNOWLEDGED, **kw)


def start(actor, ticket, **kw):
    return do_change_status(actor, ticket, Status.IN_PROGRESS, **kw)


def wait_on_customer(actor, ticket, **kw):
    return do_change_status(actor, ticket, Status.WAITING, **kw)


def resume(actor, ticket, **kw):
    return do_change_status(actor, ticket, Status.IN_PROGRESS, **kw)


def resolve(actor, ticket, **kw):
    return do_change_status(actor, ticket, Status.RESOLVED, **kw)


def close(actor, ticket, **kw):
    return do_change_status(actor, ticket, Status.CLOSED, **kw)


def reopen(actor, ticket, **kw):
    return do_change_status(actor, ticket, Status.IN_PROGRESS, **kw)


def cancel(actor, ticket, **kw):
    return do_change_status(actor, ticket, Status.CANCELLED, **kw)


# --- replies, notes, attachments --------------------------------------------------------------


def _store_attachment(ticket, upload, actor, *, comment, public, now) -> Attachment:
    checked = check_upload(upload)
    attachment = Attachment(
        ticket=ticket,
        comment=comment,
        name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        is_public=public,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
        created_at=now,
    )
    attachment.file.save(checked.name, upload, save=False)
    attachment.save()
    _event(
        ticket,
        EventKind.ATTACHMENT,
        actor,
        now,
        public=public,
        name=checked.name,
        size=checked.size,
        attachment=str(attachment.pk),
    )
    return attachment


@transaction.atomic
def do_reply(
    actor: User,
    ticket: Ticket,
    body: str,
    *,
    public: bool = True,
    files: Sequence = (),
    then_status: str | None = None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Comment:
    """A public reply (customers see it; the first one by staff stops the response clock) or,
    with ``public=False``, an internal note. A customer's reply resumes a ticket that waits on
    them and reopens a resolved one inside the reopen window."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write something first.")})
    customer = access.is_customer(actor)
    if customer:
        if not access.can_reply_as_customer(actor, ticket):
            raise PermissionDenied(_("You may not reply to this ticket."))
        if not public or then_status:
            raise PermissionDenied(_("Customers write public replies only."))
    else:
        _require_worker(actor, ticket)
    for upload in files:
        check_upload(upload)
    ticket = _lock(ticket, expected_version)
    now = now or clock.now()
    if ticket.status == Status.CANCELLED:
        raise ValidationError({"body": _("This ticket was cancelled; open a new one.")})
    if customer and ticket.status in REOPEN_FROM and not ticket.can_reopen(now):
        raise ValidationError(
            {"body": _("This ticket is closed and can no longer be reopened; open a new one.")}
        )
    if then_status and then_status != ticket.status:
        _check_transition(ticket, then_status, now)  # before anything (files) is written
    comment = Comment.objects.create(
        ticket=ticket,
        author=actor,
        author_name=str(actor),
        body=body,
        is_public=public,
        by_customer=customer,
        created_at=now,
    )
    for upload in files:
        _store_attachment(ticket, upload, actor, comment=comment, public=public, now=now)
    fields = set()
    status_before = ticket.status
    _event(
        ticket,
        EventKind.REPLY if public else EventKind.NOTE,
        actor,
        now,
        public=public,
        comment=comment.pk,
        by_customer=customer,
    )
    if customer:
        if ticket.status == Status.WAITING or ticket.status in REOPEN_FROM:
            _set_status(ticket, Status.IN_PROGRESS, actor, now)
            fields |= set(STATUS_FIELDS)
    else:
        if public and ticket.first_response_at is None:
            ticket.first_response_at = now
            fields.add("first_response_at")
        if then_status and then_status != ticket.status:
            _set_status(ticket, then_status, actor, now)
            fields |= set(STATUS_FIELDS)
    _bump(ticket, now)
    _save(ticket, fields)
    if fields:
        recompute_sla(ticket, now)
    notifications.on_commit_comment(ticket, comment)
    if ticket.status != status_before:
        notifications.on_commit_status(ticket, ticket.status)
    return comment


def do_add_note(actor: User, ticket: Ticket, body: str, **kw) -> Comment:
    return do_reply(actor, ticket, body, public=False, **kw)


@transaction.atomic
def do_add_attachments(
    actor: User, ticket: Ticket, files: Sequence, *, public: bool = True
) -> list[Attachment]:
    if access.is_customer(actor):
        if not access.can_reply_as_customer(actor, ticket):
            raise PermissionDenied(_("You may not add files to this ticket."))
        public = True
    else:
        _require_worker(actor, ticket)
    now = clock.now()
    return [
        _store_attachment(ticket, f, actor, comment=None, public=public, now=now) for f in files
    ]


# --- complaints: root cause and follow-up visits ---------------------------------------------


@transaction.atomic
def do_add_follow_up(
    actor: User,
    ticket: Ticket,
    *,
    method: str,
    outcome: str,
    customer_satisfied: bool | None = None,
    at: datetime | None = None,
) -> FollowUp:
    _require_worker(actor, ticket)
    if method not in FollowUpMethod.values:
        raise ValidationError({"method": _("Unknown follow-up method %r.") % method})
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationError({"outcome": _("Write down what the customer said.")})
    now = clock.now()
    at = at or now
    if at > now + timedelta(minutes=5):
        raise ValidationError({"at": _("A follow-up visit cannot be in the future.")})
    follow_up = FollowUp.objects.create(
        ticket=ticket,
        at=at,
        by=actor,
        method=method,
        outcome=outcome,
        customer_satisfied=customer_satisfied,
    )
    _event(
        ticket,
        EventKind.FOLLOW_UP,
        actor,
        now,
        method=method,
        satisfied=customer_satisfied,
    )
    return follow_up


# --- satisfaction ---------------------------------------------------------------------------


def satisfaction_request_for_token(token: str) -> SatisfactionRequest | None:
    return satisfaction.request_for_token(token)


def _whole_rating(value) -> int | None:
    """A whole number from an int, an integral float or a string of ASCII digits; None for
    anything else (3.5 is not silently taken as 3)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value.strip())
    return None


@transaction.atomic
def do_rate_ticket(
    ticket: Ticket,
    rating: int,
    comment: str = "",
    *,
    actor: User | None = None,
    token: str | None = None,
) -> Ticket:
    """Record the customer's rating: by a contact of the ticket's organisation, or through a
    one-time link (``token``). A ticket is rated once; unrated tickets stay unrated."""
    now = clock.now()
    request = None
    if token is not None:
        request = satisfaction_request_for_token(token)
        if request is None or request.ticket_id != ticket.pk:
            raise PermissionDenied(_("This rating link is invalid, used or expired."))
        claimed = SatisfactionRequest.objects.filter(pk=request.pk, used_at__isnull=True).update(
            used_at=now
        )
        if not claimed:
            raise PermissionDenied(_("This rating link is invalid, used or expired."))
    elif not access.can_reply_as_customer(actor, ticket):
        raise PermissionDenied(_("Only the customer rates a ticket."))
    rating = _whole_rating(rating)
    if rating is None or not 1 <= rating <= 5:
        raise ValidationError({"rating": _("Choose a rating from 1 to 5.")})
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.status not in (Status.RESOLVED, Status.CLOSED):
        raise ValidationError({"rating": _("Only resolved tickets can be rated.")})
    if ticket.rating is not None:
        raise ValidationError({"rating": _("This ticket has already been rated.")})
    ticket.rating = rating
    ticket.rating_comment = (comment or "").strip()[:2000]
    ticket.rated_at = now
    _bump(ticket, now)
    _save(ticket, ["rating", "rating_comment", "rated_at"])
    SatisfactionRequest.objects.filter(ticket=ticket, used_at__isnull=True).update(used_at=now)
    _event(ticket, EventKind.RATED, actor, now, public=True, rating=rating)
    return ticket


# --- batch work used by jobs ------------------------------------------------------------------


def recompute_open_tickets(
    *, calendar_id: int | None = None, item_id: int | None = None, batch: int = 500
) -> int:
    """Recompute the stored clocks of open tickets (after a calendar or standard changed).

    With ``calendar_id``, the tickets measured on that calendar, plus, when it is the default
    calendar, those whose standard names no calendar (they may have been measured on the
    previous default, or on none); with ``item_id``, the tickets of that service item.
    Each batch is its own transaction with a fixed number of queries (the histories in one,
    the results in one bulk update); returns the number of tickets recomputed.
    """
    tickets = Ticket.objects.open()
    if calendar_id is not None:
        scope = Q(sla_calendar_id=calendar_id)
        if Calendar.objects.filter(pk=calendar_id, is_default=True).exists():
            scope |= Q(sla_standard__isnull=False, sla_standard__calendar__isnull=True)
        tickets = tickets.filter(scope)
    if item_id is not None:
        tickets = tickets.filter(item_id=item_id)
    ids = list(tickets.order_by("pk").values_list("pk", flat=True))
    resolver = PolicyResolver()
    now = clock.now()
    for start in range(0, len(ids), batch):
        with transaction.atomic():
            locked = list(
                Ticket.objects.select_for_update()
                .filter(pk__in=ids[start : start + batch])
                .order_by("pk")
            )
            recompute_many(locked, now, resolver)
    return len(ids)


def system_close(ticket: Ticket, now: datetime) -> None:
    """Close a resolved ticket whose reopen window has passed (by the scheduler, no actor)."""
    _set_status(ticket, Status.CLOSED, None, now, note="auto")
    _bump(ticket, now)
    _save(ticket, STATUS_FIELDS)
    # The rating link stays valid for its own SATISFACTION_LINK_DAYS: closed tickets are rated
    # too, and closing after the reopen window must not take the customer's say away.
