"""Who sees and does what with tickets. Views, the API, exports and commands ask these.

* Administrators, managers and viewers (read-only) see every ticket.
* Agents see the tickets of their team, those assigned to them and those they watch.
* Customer contacts see their organisation's tickets, without internal notes, internal
  attachments or staff-only timeline events.
Lookups outside a user's scope raise Http404, never 403, so ids do not leak.
"""

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from opsbook.accounts.access import is_staff_member
from opsbook.accounts.choices import Role
from opsbook.catalog.choices import Status as ItemStatus
from opsbook.catalog.models import CustomerService, ServiceItem
from opsbook.core import clock

from .models import Attachment, ExportJob, FollowUpTask, Ticket
from .querysets import FollowUpTaskQuerySet


def is_customer(user) -> bool:
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and user.role == Role.CUSTOMER
        and user.customer_id
    )


def sees_all_tickets(user) -> bool:
    return is_staff_member(user) and user.role in {Role.ADMIN, Role.MANAGER, Role.VIEWER}


def can_work_tickets(user) -> bool:
    """Create, reply, assign, change status: staff other than read-only viewers."""
    return is_staff_member(user) and user.role != Role.VIEWER


def can_manage_tickets(user) -> bool:
    """Bulk changes across teams, reassigning anywhere: administrators and managers."""
    return is_staff_member(user) and user.role in {Role.ADMIN, Role.MANAGER}


def visible_tickets(user) -> QuerySet[Ticket]:
    tickets = Ticket.objects.all()
    if sees_all_tickets(user):
        return tickets
    if is_staff_member(user):
        # An EXISTS on watchers keeps one row per ticket (no DISTINCT over a join).
        watched = Ticket.watchers.through.objects.filter(user=user).values("ticket_id")
        scope = Q(assignee=user) | Q(pk__in=watched)
        if user.team_id:
            scope |= Q(team_id=user.team_id)
        return tickets.filter(scope)
    if is_customer(user):
        return tickets.filter(customer_id=user.customer_id)
    return tickets.none()


def get_ticket_for_user(user, pk) -> Ticket:
    try:
        return visible_tickets(user).get(pk=pk)
    except (Ticket.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def can_edit_ticket(user, ticket: Ticket) -> bool:
    if not can_work_tickets(user):
        return False
    if can_manage_tickets(user):
        return True
    return visible_tickets(user).filter(pk=ticket.pk).exists()


def can_reply_as_customer(user, ticket: Ticket) -> bool:
    return is_customer(user) and ticket.customer_id == user.customer_id


def visible_attachments(user, ticket: Ticket) -> QuerySet[Attachment]:
    attachments = ticket.attachments.all()
    if is_customer(user):
        attachments = attachments.filter(is_public=True)
    return attachments


def get_attachment_for_user(user, pk) -> Attachment:
    """An attachment of a ticket the user sees (customers: public ones only)."""
    try:
        attachment = Attachment.objects.select_related("ticket").get(pk=pk)
    except (Attachment.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None
    ticket = attachment.ticket
    if not visible_tickets(user).filter(pk=ticket.pk).exists():
        raise Http404
    if is_customer(user) and not attachment.is_public:
        raise Http404
    return attachment


def customer_items(user) -> QuerySet[ServiceItem]:
    """The active service items a customer contact's organisation receives today."""
    if not is_customer(user):
        return ServiceItem.objects.none()
    today = clock.localdate()
    received = CustomerService.objects.filter(
        Q(starts_on__isnull=True) | Q(starts_on__lte=today),
        Q(ends_on__isnull=True) | Q(ends_on__gte=today),
        customer_id=user.customer_id,
    ).values("item_id")
    return ServiceItem.objects.filter(pk__in=received, status=ItemStatus.ACTIVE)


def items_for_new_ticket(user) -> QuerySet[ServiceItem]:
    """Service items a user may raise a ticket against."""
    if is_customer(user):
        return customer_items(user)
    if can_work_tickets(user):
        return ServiceItem.objects.exclude(status=ItemStatus.RETIRED)
    return ServiceItem.objects.none()


# --- follow-up visits owed (FollowUpTask) ------------------------------------------------------


def visible_follow_up_tasks(user) -> FollowUpTaskQuerySet:
    """Follow-ups staff may see: those of the tickets they see, and their own. Customers and
    anybody else see none (they are internal work)."""
    tasks: FollowUpTaskQuerySet = FollowUpTask.objects.all()
    if not is_staff_member(user):
        return tasks.none()
    if sees_all_tickets(user):
        return tasks
    return tasks.filter(Q(ticket__in=visible_tickets(user).values("pk")) | Q(owner=user))


# --- ticket exports (export.py): each belongs to the person who asked for it ----------------------


def visible_exports(user) -> QuerySet[ExportJob]:
    """A user's own exports, newest first: nobody else's, whatever their role."""
    if not getattr(user, "is_authenticated", False):
        return ExportJob.objects.none()
    return ExportJob.objects.filter(owner=user).order_by("-created_at")


def get_export_for_user(user, pk) -> ExportJob:
    try:
        return visible_exports(user).get(pk=pk)
    except (ExportJob.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None
