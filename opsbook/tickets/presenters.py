"""How tickets are shown: badge colours, labels in the reader's language, SLA badges and the
ticket's timeline. Plain Python over loaded rows (no request, no templates), for the staff
pages, the portal and whatever else shows tickets (metrics, reports).

The timeline is built once here for both audiences: staff see every reply, internal note,
file and event; customers (``public_timeline``) see public replies and files and only the
public events of the kinds in ``PUBLIC_EVENTS``, so a staff-only event (an assignment, an SLA
warning, a field change, a follow-up visit) never reaches them even if it were marked public.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Choices
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from opsbook.accounts.choices import Role
from opsbook.catalog import wording
from opsbook.catalog.choices import Channel, Priority, TimeBasis

from . import filters
from .access import visible_attachments
from .choices import AutoRule, Correctable, EventKind, FollowUpMethod, SlaState, Status, TicketType
from .models import Attachment, Comment, Ticket, TicketEvent
from .sla_policy import PolicyResolver

STATUS_CLASSES: dict[str, str] = {
    Status.NEW: "text-bg-primary",
    Status.ACKNOWLEDGED: "text-bg-info",
    Status.IN_PROGRESS: "text-bg-warning",
    Status.WAITING: "text-bg-secondary",
    Status.RESOLVED: "text-bg-success",
    Status.CLOSED: "text-bg-light border",
    Status.CANCELLED: "text-bg-light border text-decoration-line-through",
}
SLA_CLASSES: dict[str, str] = {
    SlaState.OK: "text-bg-success",
    SlaState.WARNING: "text-bg-warning",
    SlaState.BREACHED: "text-bg-danger",
    SlaState.PAUSED: "text-bg-secondary",
    SlaState.MET: "text-bg-light border",
    SlaState.NONE: "",
    SlaState.NO_CLOCK: "text-bg-dark sla-no-clock",
}
PRIORITY_CLASSES: dict[str, str] = {
    Priority.URGENT: "text-danger fw-semibold",
    Priority.HIGH: "text-warning-emphasis fw-semibold",
    Priority.NORMAL: "",
    Priority.LOW: "text-body-secondary",
}
CHOICE_FIELDS: dict[str, type[Choices]] = {
    "type": TicketType,
    "channel": Channel,
    "priority": Priority,
    "status": Status,
}


# --- labels and formatting --------------------------------------------------------------------


def choice_labels(choices: type[Choices]) -> dict[str, str]:
    """Choice labels in the reader's language, translated once per page rather than per row."""
    return {str(value): str(label) for value, label in choices.choices}


def duration(seconds: int | None) -> str:
    """A duration as hours and minutes ("2 h 05 min"), or "—" when there is none."""
    if seconds is None:
        return "—"
    hours, rest = divmod(int(seconds), 3600)
    minutes = rest // 60
    if hours:
        return _("%(hours)d h %(minutes)02d min") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)d min") % {"minutes": minutes}


def field_label(name: str) -> str:
    """A ticket field's name as people read it."""
    try:
        model_field = Ticket._meta.get_field(name)
        return capfirst(str(getattr(model_field, "verbose_name", name)))
    except FieldDoesNotExist:  # a field no longer on the model: show it as stored
        return name


def field_value(name: str, value: Any) -> str:
    """A ticket field's value as people read it: a choice's label, else the value, else "—"."""
    choices = CHOICE_FIELDS.get(name)
    if choices is not None and value in choices.values:
        return str(choices(value).label)
    return str(value) if value not in (None, "") else "—"


def local_time(value: Any, tz: tzinfo | None) -> str:
    """An ISO time stamp (as events store them) in ``tz``; anything else as it is."""
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return str(value or "")
    return timezone.localtime(moment, tz).strftime("%Y-%m-%d %H:%M")


# --- the SLA ----------------------------------------------------------------------------------


@dataclass
class SlaBadge:
    state: str
    label: str
    css: str
    clock: str = ""
    due_at: datetime | None = None
    tz: tzinfo | None = None

    @property
    def due_text(self) -> str:
        """The due time in the calendar's zone, with the zone's abbreviation."""
        if self.due_at is None:
            return ""
        return self.due_at.astimezone(self.tz).strftime("%Y-%m-%d %H:%M %Z")


def sla_badge(ticket: Ticket, now: datetime, labels: dict[str, str] | None = None) -> SlaBadge:
    """State, due time (in the calendar's zone) and colour of a ticket's SLA, from its columns."""
    state = filters.sla_state(ticket, now)
    label = labels[state] if labels else str(SlaState(state).label)
    badge = SlaBadge(state, label, SLA_CLASSES[state])
    if state in {SlaState.OK, SlaState.WARNING, SlaState.BREACHED, SlaState.PAUSED}:
        badge.clock, badge.due_at = filters.next_due(ticket)
        badge.tz = ticket.sla_calendar_tz()
    return badge


def sla_panel(ticket: Ticket, now: datetime) -> dict[str, Any]:
    """What the ticket page says about its SLA: badge, targets, time used, paused time."""
    badge = sla_badge(ticket, now)
    return {
        "badge": badge,
        "tz": ticket.sla_calendar_tz(),
        "tz_name": str(ticket.sla_calendar_tz()),
        "calendar": ticket.sla_calendar,
        "standard": ticket.sla_standard,
        "default": ticket.sla_default,
        "no_clock": badge.state == SlaState.NO_CLOCK,
        "basis": ticket.get_sla_time_basis_display() if ticket.sla_time_basis else "",
        "has_target": badge.state not in (SlaState.NONE, SlaState.NO_CLOCK)
        or ticket.response_target_seconds is not None
        or ticket.resolution_target_seconds is not None,
        "response_target": duration(ticket.response_target_seconds),
        "resolution_target": duration(ticket.resolution_target_seconds),
        "response_used": duration(ticket.response_business_seconds),
        "resolution_used": duration(ticket.resolution_business_seconds),
        "paused": duration(ticket.paused_business_seconds),
        "is_paused": ticket.status == Status.WAITING,
    }


# --- a page of the list -----------------------------------------------------------------------


@dataclass
class ListRow:
    """A ticket of the list with what its row shows, prepared in plain Python: per-row template
    work (translations, URL reversing, time zone switching, following relations) is what makes
    a long page slow."""

    ticket: Ticket
    url: str
    sla: SlaBadge
    status_label: str
    status_class: str
    priority_label: str
    priority_class: str
    kind_label: str
    tags: list[str]
    item: str  # the service's name, "" without one
    customer: str
    assignee: str  # the assignee's label, "" when unassigned
    team: str | None  # the team's name, None without one
    created: str  # in the current time zone


def list_rows(tickets: Iterable[Ticket], now: datetime, detail_url: str) -> list[ListRow]:
    """``detail_url`` is the ticket page's address without the number ("/tickets/")."""
    sla_labels, status_labels = choice_labels(SlaState), choice_labels(Status)
    priority_labels, type_labels = choice_labels(Priority), choice_labels(TicketType)
    channel_labels = choice_labels(Channel)
    return [
        ListRow(
            ticket=ticket,
            url=f"{detail_url}{ticket.pk}/",
            sla=sla_badge(ticket, now, sla_labels),
            status_label=status_labels.get(ticket.status, ticket.status),
            status_class=STATUS_CLASSES.get(ticket.status, ""),
            priority_label=priority_labels.get(ticket.priority, ticket.priority),
            priority_class=PRIORITY_CLASSES.get(ticket.priority, ""),
            kind_label=(
                f"{type_labels.get(ticket.type, ticket.type)} · "
                f"{channel_labels.get(ticket.channel, ticket.channel)}"
            ),
            tags=[tag.name for tag in ticket.tags.all()],
            item=ticket.item.name if ticket.item else "",
            customer=ticket.customer.name if ticket.customer else "",
            assignee=ticket.assignee.label if ticket.assignee else "",
            team=ticket.team.name if ticket.team else None,
            created=timezone.localtime(ticket.created_at).strftime("%Y-%m-%d %H:%M"),
        )
        for ticket in tickets
    ]


# --- what an event says -----------------------------------------------------------------------

Described = tuple[str, list[str]]


def _status_change(event: TicketEvent, data: dict, tz: tzinfo | None) -> Described:
    text = _("changed the status: %(from)s → %(to)s") % {
        "from": field_value("status", event.from_status),
        "to": field_value("status", event.to_status),
    }
    note = data.get("note", "")
    if note == "auto":
        return text, [_("Closed automatically after the reopen window.")]
    return text, [note] if note else []


def _assigned(event: TicketEvent, data: dict, tz: tzinfo | None) -> Described:
    if data.get("name"):
        text = _("assigned the ticket to %(name)s") % {"name": data["name"]}
    else:
        text = _("left the ticket unassigned")
    return text, [_("Team: %(team)s") % {"team": data["team"]}] if data.get("team") else []


def _changed(event: TicketEvent, data: dict, tz: tzinfo | None) -> Described:
    details = []
    for name, change in (data.get("changes") or {}).items():
        before, after = [*change, "", ""][:2]
        details.append(
            _("%(field)s: %(before)s → %(after)s")
            % {
                "field": field_label(name),
                "before": field_value(name, before),
                "after": field_value(name, after),
            }
        )
    return _("changed fields"), details


def _sla_alert(event: TicketEvent, data: dict, tz: tzinfo | None) -> Described:
    clock = _("Response") if data.get("clock") == "response" else _("Resolution")
    text = (
        _("%(clock)s target at risk, due %(due)s")
        if event.kind == EventKind.SLA_WARNING
        else _("%(clock)s target breached, was due %(due)s")
    )
    return text % {"clock": clock, "due": local_time(data.get("due_at"), tz)}, []


def _corrected(event: TicketEvent, data: dict, tz: tzinfo | None) -> Described:
    what = data.get("field")
    label = Correctable(what).label if what in Correctable.values else what
    details = []
    for key, caption in (
        ("before", _("Before: %(value)s")),
        ("after", _("Now: %(value)s")),
        ("reason", _("Why: %(value)s")),
    ):
        if data.get(key) not in (None, ""):
            details.append(caption % {"value": data[key]})
    return _("corrected the %(what)s of the closed ticket") % {"what": label}, details


def _follow_up(event: TicketEvent, data: dict, tz: tzinfo | None) -> Described:
    method = data.get("method")
    label = FollowUpMethod(method).label if method in FollowUpMethod.values else method
    return _("recorded a follow-up visit (%(method)s)") % {"method": label}, []


def _watchers(event: TicketEvent, data: dict, tz: tzinfo | None) -> Described:
    details = []
    if data.get("added"):
        details.append(_("Added: %(names)s") % {"names": ", ".join(data["added"])})
    if data.get("removed"):
        details.append(_("Removed: %(names)s") % {"names": ", ".join(data["removed"])})
    return _("changed the watchers"), details


DESCRIBE: dict[str, Callable[[TicketEvent, dict, tzinfo | None], Described]] = {
    EventKind.CREATED: lambda event, data, tz: (_("opened the ticket"), []),
    EventKind.STATUS: _status_change,
    EventKind.ASSIGNED: _assigned,
    EventKind.CHANGED: _changed,
    EventKind.SLA_WARNING: _sla_alert,
    EventKind.SLA_BREACH: _sla_alert,
    EventKind.SLA_RECOMPUTED: lambda event, data, tz: (_("SLA recomputed"), []),
    EventKind.FOLLOW_UP: _follow_up,
    EventKind.RATED: lambda event, data, tz: (
        _("rated the ticket %(rating)s of 5") % {"rating": data.get("rating")},
        [],
    ),
    EventKind.WATCHERS: _watchers,
    EventKind.CORRECTED: _corrected,
}


def describe_event(event: TicketEvent, tz: tzinfo | None) -> Described:
    """What a timeline event says, in the reader's language (all values escaped later)."""
    describe = DESCRIBE.get(event.kind)
    if describe is not None:
        return describe(event, _data(event), tz)
    kind = event.kind
    return str(EventKind(kind).label) if kind in EventKind.values else kind, []


def _data(event: TicketEvent) -> dict:
    return event.data if isinstance(event.data, dict) else {}


# --- the timeline -----------------------------------------------------------------------------

# Told by the comment or file they record, not as events of their own.
RECORDING_EVENTS = {EventKind.REPLY, EventKind.NOTE, EventKind.ATTACHMENT}
# The only events a customer sees (when marked public).
PUBLIC_EVENTS = (
    EventKind.CREATED,
    EventKind.STATUS,
    EventKind.REPLY,
    EventKind.ATTACHMENT,
    EventKind.RATED,
)
EVENT_CLASSES: dict[str, str] = {
    EventKind.SLA_WARNING: "border-warning",
    EventKind.SLA_BREACH: "border-danger",
    EventKind.STATUS: "border-primary",
    EventKind.CORRECTED: "border-info",
}
# The entry kinds of events; every other event is an "event".
EVENT_ENTRY_KINDS: dict[str, str] = {
    EventKind.CREATED: "created",
    EventKind.STATUS: "status",
    EventKind.RATED: "rated",
}
# At one instant: what was written, then its files, then what it did (a reply that set the
# status comes before the status change); the ticket's opening comes before all.
RANKS: dict[str, int] = {"reply": 0, "note": 0, "file": 1}


@dataclass
class TimelineEntry:
    at: datetime
    kind: str  # "reply", "note", "file", "created", "status", "rated" or "event"
    actor: str = ""
    text: str = ""
    details: list[str] = field(default_factory=list)
    comment: Comment | None = None
    event: TicketEvent | None = None
    attachments: list[Attachment] = field(default_factory=list)
    public: bool = True
    css: str = ""
    status: str = ""  # status entries: the new status, when it is one
    status_label: str = ""
    rating: Any = None  # rated entries
    order: tuple[int, int] = (0, 0)  # (rank at its instant, then creation order)

    @property
    def by_customer(self) -> bool:
        return self.comment is not None and self.comment.by_customer


def timeline(ticket: Ticket, tz: tzinfo | None) -> list[TimelineEntry]:
    """Everything staff see: replies, internal notes, files and events, oldest first, in three
    queries. ``tz`` is the zone SLA due times are told in."""
    return _entries(
        ticket.comments.select_related("author"),
        ticket.attachments.select_related("uploaded_by"),
        ticket.events.select_related("actor"),
        tz,
    )


def public_timeline(user: Any, ticket: Ticket) -> list[TimelineEntry]:
    """What ``user``, a customer contact, sees of ``ticket``'s timeline: public replies and
    files, and the public events of the kinds in ``PUBLIC_EVENTS``."""
    entries = _entries(
        ticket.comments.filter(is_public=True).select_related("author"),
        visible_attachments(user, ticket).filter(is_public=True).select_related("uploaded_by"),
        ticket.events.filter(is_public=True, kind__in=PUBLIC_EVENTS).select_related("actor"),
        None,
    )
    # A status event whose status is not one any more says nothing to a customer.
    return [e for e in entries if e.kind != "status" or e.status]


def _entries(
    comments: Iterable[Comment],
    attachments: Iterable[Attachment],
    events: Iterable[TicketEvent],
    tz: tzinfo | None,
) -> list[TimelineEntry]:
    events = list(events)
    # Files uploaded together share their time; their events give the order they came in.
    file_order = {
        str(_data(e).get("attachment")): e.pk for e in events if e.kind == EventKind.ATTACHMENT
    }
    by_comment: dict[int, list[Attachment]] = {}
    entries = []
    for attachment in attachments:
        if attachment.comment_id:
            by_comment.setdefault(attachment.comment_id, []).append(attachment)
        else:
            entries.append(_file_entry(attachment, file_order.get(str(attachment.pk), 0)))
    for comment in comments:
        entries.append(_comment_entry(comment, by_comment.get(comment.pk, [])))
    for event in events:
        if event.kind not in RECORDING_EVENTS:
            entries.append(_event_entry(event, tz))
    entries.sort(key=lambda entry: (entry.at, *entry.order))
    return entries


def _file_entry(attachment: Attachment, position: int) -> TimelineEntry:
    return TimelineEntry(
        at=attachment.created_at,
        kind="file",
        actor=str(attachment.uploaded_by or ""),
        attachments=[attachment],
        public=attachment.is_public,
        order=(RANKS["file"], position),
    )


def _comment_entry(comment: Comment, attachments: list[Attachment]) -> TimelineEntry:
    kind = "reply" if comment.is_public else "note"
    return TimelineEntry(
        at=comment.created_at,
        kind=kind,
        actor=comment.author_name or str(comment.author or ""),
        comment=comment,
        attachments=attachments,
        public=comment.is_public,
        order=(RANKS[kind], comment.pk),
    )


def automatic_rule(event: TicketEvent) -> str:
    """The ``AutoRule`` behind an event the system did by itself, "" for a person's action.

    Events written before rules were recorded are recognised by what only the system does: a
    customer contact never assigns a ticket or changes its status (their new ticket was
    assigned to the service's owner, their reply resumed it), and "auto" closes."""
    data = _data(event)
    rule = data.get("rule")
    if isinstance(rule, str) and rule:
        return rule
    if event.kind == EventKind.STATUS and data.get("note") == "auto":
        return AutoRule.AUTO_CLOSE
    actor = event.actor
    if actor is not None and actor.role == Role.CUSTOMER:
        if event.kind == EventKind.ASSIGNED:
            return AutoRule.ASSIGNMENT
        if event.kind == EventKind.STATUS:
            return AutoRule.CUSTOMER_REPLY
    return ""


def event_actor(event: TicketEvent) -> str:
    """Who did it, as the timeline says: the person, or the system and its rule
    ("系统（自动分派）"), never the person whose action set an automatic one off."""
    rule = automatic_rule(event)
    if rule:
        label = AutoRule(rule).label if rule in AutoRule.values else rule
        return _("System (%(rule)s)") % {"rule": label}
    return str(event.actor) if event.actor else _("System")


def _event_entry(event: TicketEvent, tz: tzinfo | None) -> TimelineEntry:
    text, details = describe_event(event, tz)
    entry = TimelineEntry(
        at=event.at,
        kind=EVENT_ENTRY_KINDS.get(event.kind, "event"),
        actor=event_actor(event),
        text=text,
        details=details,
        event=event,
        public=event.is_public,
        css=EVENT_CLASSES.get(event.kind, ""),
        order=(-1 if event.kind == EventKind.CREATED else 2, event.pk),
    )
    if entry.kind == "status" and event.to_status in Status.values:
        entry.status, entry.status_label = event.to_status, str(Status(event.to_status).label)
    if entry.kind == "rated":
        entry.rating = _data(event).get("rating")
    return entry


# --- what a customer is promised -------------------------------------------------------------


def promise_text(
    item_id: int | None,
    ticket_type: str,
    *,
    channel: str = Channel.PORTAL,
    priority: str = Priority.NORMAL,
    resolver: PolicyResolver | None = None,
) -> str:
    """What a new ticket of this service and type is promised, in the words a customer reads
    ("我们将在1小时（工作时间）内首次答复…"), from the same policy that will measure it (the
    checklist's standard, else the organisation's default); "" when nothing sets a target."""
    choice = (resolver or PolicyResolver()).choose(item_id, None, channel, priority, ticket_type)
    source = choice.standard or choice.default
    if source is None:
        return ""
    business = source.time_basis != TimeBasis.CALENDAR
    parts = []
    if source.response_minutes is not None:
        duration = wording.duration_text(source.response_minutes)
        parts.append(
            _("We answer within %(duration)s of business hours.")
            if business
            else _("We answer within %(duration)s, around the clock.")
        )
        parts[-1] = parts[-1] % {"duration": duration}
    if source.resolution_minutes is not None:
        duration = wording.duration_text(source.resolution_minutes)
        text = (
            _("We aim to resolve it within %(duration)s of business hours.")
            if business
            else _("We aim to resolve it within %(duration)s.")
        )
        parts.append(text % {"duration": duration})
    if business and parts:
        parts.append(_("Evenings, weekends and public holidays are not counted."))
    return " ".join(parts)
