"""Opening tickets, changing their fields and tags, handing them over, and who watches them.

References in the input (service item and content, customer, contact, assignee) are checked
here against what the caller may see and against each other, whoever the caller is: the
staff pages, the API, the portal, the public feedback form or an import.
"""

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from opsbook.accounts.choices import Role
from opsbook.accounts.models import Customer, Team, User
from opsbook.catalog.choices import Channel, Priority
from opsbook.catalog.choices import Status as ItemStatus
from opsbook.catalog.models import Ownership, ServiceContent, ServiceItem
from opsbook.core import clock
from opsbook.sops import services as sops
from opsbook.sops.models import Procedure

from .. import access, followups, notifications
from ..attachments import check_upload
from ..choices import AutoRule, EventKind, Source, Status, TicketType
from ..models import Tag, Ticket, TypeProcedure
from ..sla_store import recompute_sla
from .common import (
    Actor,
    AnyUser,
    account,
    bump,
    final_record_message,
    lock_ticket,
    record_event,
    require_worker,
    save,
    signed_in,
    store_attachment,
)

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
REFERENCES = ("item", "content", "customer", "contact")
# Checked by the services themselves (references are checked against the caller above).
NOT_CLEANED = ["item", "content", "customer", "contact", "assignee", "team"]


# --- checking the input -----------------------------------------------------------------------


def _check_assignee(user: User | None) -> None:
    if user is None:
        return
    if not (user.is_active and user.is_staff_member and user.role != Role.VIEWER):
        raise ValidationError(
            {"assignee": _("%(user)s cannot be assigned tickets.") % {"user": user}}
        )


def default_assignment(
    item: ServiceItem | None, content: ServiceContent | None
) -> tuple[User | None, Team | None]:
    """(assignee, team) from the primary owner of the content, else of the item."""
    if item is None:
        return None, None
    content_id = getattr(content, "pk", None)
    owners = Ownership.objects.filter(item=item, is_primary=True).select_related("user", "team")
    for owner in sorted(owners, key=lambda o: (o.content_id != content_id, o.pk)):
        if owner.content_id not in (None, content_id):
            continue
        if owner.user is not None and owner.user.is_active:
            return owner.user, owner.user.team
        if owner.team is not None:
            return None, owner.team
    return None, None


def _tags(actor: Actor, names: Iterable[str]) -> list[Tag]:
    """The tags named, created when new. Tags are shared by every ticket: only staff who work
    on tickets set them, and so create them (PermissionDenied for anybody else, whatever the
    caller checked before)."""
    if not access.can_work_tickets(actor):
        raise PermissionDenied(_("Only staff can tag tickets."))
    cleaned: list[str] = []
    for name in names:
        name = " ".join(str(name).split())[:50]
        if name and name not in cleaned:
            cleaned.append(name)
    existing = {t.name: t for t in Tag.objects.filter(name__in=cleaned)}
    return [existing.get(n) or Tag.objects.create(name=n) for n in cleaned]


def _check_references(
    actor: Actor, fields: dict[str, Any], changed: Iterable[str] | None = None
) -> None:
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


def _clean_text(fields: dict[str, Any]) -> None:
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


# --- opening a ticket -------------------------------------------------------------------------


def _check_public_form(fields: dict[str, Any], source: str) -> None:
    """The anonymous feedback form: names no service or customer, leaves a way to answer."""
    if source != Source.PUBLIC_FORM:
        raise PermissionDenied(_("Sign in to open a ticket."))
    if any(fields[name] is not None for name in ("item", "customer", "contact")):
        raise PermissionDenied(_("The public form cannot name services or customers."))
    if not (fields["requester_email"] or fields["requester_phone"]):
        raise ValidationError({"requester_email": _("Leave an e-mail address or a phone number.")})


def _as_customer(actor: AnyUser, fields: dict[str, Any], priority: str) -> None:
    """A contact's ticket: for their organisation, through the portal, never urgent."""
    if fields["item"] is None:
        raise ValidationError({"item": _("Choose the service this is about.")})
    contact = signed_in(actor)
    fields |= {"customer": contact.customer, "contact": contact}
    fields["channel"] = Channel.PORTAL
    fields["priority"] = priority if priority != Priority.URGENT else Priority.HIGH
    _check_references(actor, fields)


def _assignment(
    actor: Actor, fields: dict[str, Any], assignee: User | None, team: Team | None
) -> tuple[User | None, Team | None, bool]:
    """Who gets a new ticket: as the opener says (staff only), else the service's primary
    owner (then the third value is True: the system assigned it); an assignee without a team
    brings their own."""
    automatic = actor is None or access.is_customer(actor) or (assignee is None and team is None)
    if automatic:
        assignee, team = default_assignment(fields["item"], fields["content"])
    _check_assignee(assignee)
    if assignee is not None and team is None:
        team = assignee.team
    return assignee, team, automatic


def _opened(
    ticket: Ticket,
    actor: Actor,
    now: datetime,
    *,
    tags: Iterable[str],
    watchers: Iterable[User],
    files: Sequence[UploadedFile],
    auto_assigned: bool = False,
) -> None:
    """What goes with a new ticket once it is saved: tags, watchers, events, files, clocks.
    An assignment by the service's owners (``auto_assigned``) is the system's, not the
    opener's."""
    if tags:
        ticket.tags.set(_tags(actor, tags))
    watcher_list = [w for w in watchers if w.is_active and w.is_staff_member]
    if watcher_list:
        ticket.watchers.set(watcher_list)
    record_event(ticket, EventKind.CREATED, actor, now, public=True, to_status=Status.NEW)
    assignee = ticket.assignee
    if assignee is not None:
        record_event(
            ticket,
            EventKind.ASSIGNED,
            actor,
            now,
            rule=AutoRule.ASSIGNMENT if auto_assigned else "",
            assignee=assignee.pk,
            name=str(assignee),
        )
    for upload in files:
        store_attachment(ticket, upload, actor, comment=None, public=True, now=now)
    recompute_sla(ticket, now)


def _refuse_staff_only(staff_only: dict[str, Any]) -> None:
    """ValidationError naming each of the assignee, team, tags and watchers that is set: only
    staff route, tag and watch tickets. The API and the portal refuse them first; this holds
    for any other caller (a script, a future form)."""
    refused = sorted(name for name, value in staff_only.items() if value)
    if refused:
        message = _("Only staff can set this field.")
        raise ValidationError({name: message for name in refused})


def _check_opener(
    actor: Actor, fields: dict[str, Any], source: str, staff_only: dict[str, Any]
) -> str:
    """Check ``fields`` for whoever opens the ticket: the public form, a customer's contact
    (whose ticket comes through the portal) or a member of staff. Only staff name the
    assignee, team, tags and watchers (``staff_only``)."""
    if actor is None:
        _check_public_form(fields, source)
        _refuse_staff_only(staff_only)
    elif access.is_customer(actor):
        _refuse_staff_only(staff_only)
        _as_customer(actor, fields, fields["priority"])
        return Source.PORTAL
    else:
        require_worker(actor)
        _check_references(actor, fields)
    return source


def _insert(
    actor: Actor,
    fields: dict[str, Any],
    *,
    assignee: User | None,
    team: Team | None,
    source: str,
    files: Sequence[UploadedFile],
    now: datetime,
) -> Ticket:
    """Save the new ticket, once its files are known to be acceptable."""
    for upload in files:
        check_upload(upload)  # refuse a bad file before anything is written
    ticket = Ticket(
        **fields,
        assignee=assignee,
        team=team,
        source=source,
        created_by=account(actor),
        created_at=now,
        updated_at=now,
    )
    ticket.full_clean(exclude=NOT_CLEANED)
    ticket.save()
    return ticket


@transaction.atomic
def do_create_ticket(
    actor: Actor,
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
    files: Sequence[UploadedFile] = (),
    now: datetime | None = None,
) -> Ticket:
    """Open a ticket. Customers open them for their own organisation on services it receives
    (``actor`` is the contact); ``actor=None`` is the public feedback form."""
    now = clock.or_now(now)
    fields: dict[str, Any] = {
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
    tags, watchers = list(tags), list(watchers)
    staff_only = {"assignee": assignee, "team": team, "tags": tags, "watchers": watchers}
    source = _check_opener(actor, fields, source, staff_only)
    assignee, team, automatic = _assignment(actor, fields, assignee, team)
    ticket = _insert(
        actor, fields, assignee=assignee, team=team, source=source, files=files, now=now
    )
    _opened(ticket, actor, now, tags=tags, watchers=watchers, files=files, auto_assigned=automatic)
    _start_procedure(ticket, now)
    notifications.ticket_created(ticket, actor, now)
    return ticket


# --- its procedure (SOP) ----------------------------------------------------------------------


def procedure_for_ticket(ticket: Ticket) -> Procedure | None:
    """The SOP a new ticket follows: its type's (``TypeProcedure``: a process the organisation
    requires for every ticket of the type, such as complaint handling), else its content's, else
    its item's; active procedures only."""
    link = (
        TypeProcedure.objects.filter(type=ticket.type, procedure__is_active=True)
        .select_related("procedure")
        .first()
    )
    if link is not None:
        return link.procedure
    return sops.procedure_for(ticket.item, ticket.content)


def _start_procedure(ticket: Ticket, now: datetime) -> None:
    """Start the ticket's SOP, if it has one, on its SLA calendar (else the default one)."""
    procedure = procedure_for_ticket(ticket)
    if procedure is None:
        return
    ticket.sop_run = sops.do_start_run(procedure, calendar=ticket.sla_calendar, now=now)
    ticket.save(update_fields=["sop_run"])


# --- changing it ------------------------------------------------------------------------------


def _tag_change(actor: Actor, ticket: Ticket, tags: Iterable[str] | None) -> list[str] | None:
    """Set the ticket's tags to ``tags`` (None: leave them); ``[before, after]`` when they
    changed."""
    if tags is None:
        return None
    new_tags = _tags(actor, tags)
    old = sorted(t.name for t in ticket.tags.all())
    new = sorted(t.name for t in new_tags)
    if new == old:
        return None
    ticket.tags.set(new_tags)
    return [", ".join(old), ", ".join(new)]


@transaction.atomic
def do_update_ticket(
    actor: AnyUser,
    ticket: Ticket,
    *,
    expected_version: int | None,
    tags: Iterable[str] | None = None,
    now: datetime | None = None,
    **changes: Any,
) -> Ticket:
    """Change fields (see EDITABLE_FIELDS) and tags; the clocks follow a new policy."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be changed here: %s") % ", ".join(unknown))
    require_worker(actor, ticket)
    ticket = lock_ticket(ticket, expected_version)
    now = clock.or_now(now)
    _clean_text(changes)
    merged = {name: getattr(ticket, name) for name in REFERENCES}
    changed_refs = {
        name for name, value in changes.items() if name in merged and merged[name] != value
    }
    merged |= {k: v for k, v in changes.items() if k in merged}
    if changed_refs:
        _check_references(actor, merged, changed_refs)
    before = {name: getattr(ticket, name) for name in changes}
    if ticket.record_is_final:
        # Its root cause is settled, and it stays a complaint (else the record would reopen).
        for name in ("root_cause", "type"):
            if changes.get(name, getattr(ticket, name)) != getattr(ticket, name):
                raise ValidationError({name: final_record_message()})
    for name, value in changes.items():
        setattr(ticket, name, value)
    changed = {
        name: [str(before[name] or ""), str(value or "")]
        for name, value in changes.items()
        if before[name] != value
    }
    tag_change = _tag_change(actor, ticket, tags)
    if not changed and tag_change is None:
        return ticket
    if tag_change:
        changed["tags"] = tag_change
    ticket.full_clean(exclude=NOT_CLEANED)
    bump(ticket, now)
    save(ticket, changes)
    record_event(ticket, EventKind.CHANGED, actor, now, changes=changed)
    if POLICY_FIELDS & set(changed):
        recompute_sla(ticket, now)
    return ticket


@transaction.atomic
def do_assign_ticket(
    actor: AnyUser,
    ticket: Ticket,
    *,
    assignee: User | None,
    team: Team | None = None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Ticket:
    """Give the ticket to ``assignee`` (None: unassigned) and ``team``. Without a team, the
    ticket goes to the assignee's team, or stays with its own (unassigning, or an assignee in
    no team, leaves it in its team's queue instead of taking it out of every agent's view)."""
    worker = require_worker(actor, ticket)
    _check_assignee(assignee)
    ticket = lock_ticket(ticket, expected_version)
    if team is None:
        team = assignee.team if assignee is not None and assignee.team_id else ticket.team
    # Agents hand tickets over inside their team; managers move them between teams.
    moves_team = team is not None and team.pk not in (worker.team_id, ticket.team_id)
    if moves_team and not access.can_manage_tickets(actor):
        raise PermissionDenied(_("Only managers move tickets to another team."))
    if ticket.assignee_id == getattr(assignee, "pk", None) and ticket.team_id == getattr(
        team, "pk", None
    ):
        return ticket
    now = clock.or_now(now)
    previous = ticket.assignee
    ticket.assignee, ticket.team = assignee, team
    bump(ticket, now)
    save(ticket, ["assignee", "team"])
    # A visit owed by the previous assignee moves with the ticket (followups.py).
    followups.after_assignment(ticket, previous)
    record_event(
        ticket,
        EventKind.ASSIGNED,
        actor,
        now,
        assignee=getattr(assignee, "pk", None),
        name=str(assignee or ""),
        team=str(team or ""),
    )
    if assignee is not None and assignee != worker:
        notifications.ticket_assigned(ticket, assignee, now)
    return ticket


@transaction.atomic
def do_set_watchers(
    actor: AnyUser,
    ticket: Ticket,
    *,
    add: Iterable[User] = (),
    remove: Iterable[User] = (),
    now: datetime | None = None,
) -> Ticket:
    """Add and remove staff members who follow the ticket (customers are never added)."""
    require_worker(actor, ticket)
    adding = [u for u in add if u.is_active and u.is_staff_member]
    removing = list(remove)
    if adding:
        ticket.watchers.add(*adding)
    if removing:
        ticket.watchers.remove(*removing)
    if adding or removing:
        record_event(
            ticket,
            EventKind.WATCHERS,
            actor,
            now,
            added=[str(u) for u in adding],
            removed=[str(u) for u in removing],
        )
    return ticket
