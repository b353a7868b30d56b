"""What a customer sees of a ticket's history: public events only.

Built from ``TicketEvent`` rows marked public, and only of the kinds listed here, with the
comments and attachments they refer to read through the customer's scope. Internal notes,
internal attachments and staff-only events (assignments, SLA warnings, field changes,
follow-up visits) never reach the page, even if a public flag were set on them by mistake.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from opsbook.tickets.access import visible_attachments
from opsbook.tickets.choices import EventKind, Status
from opsbook.tickets.models import Attachment, Comment, Ticket

SHOWN_KINDS = (
    EventKind.CREATED,
    EventKind.STATUS,
    EventKind.REPLY,
    EventKind.ATTACHMENT,
    EventKind.RATED,
)


@dataclass
class Entry:
    kind: str
    at: datetime
    comment: Comment | None = None
    by_customer: bool = False
    status: str = ""
    status_label: str = ""
    rating: int | None = None
    attachments: list[Attachment] = field(default_factory=list)


def public_timeline(user, ticket: Ticket) -> list[Entry]:
    """The entries of ``ticket``'s timeline that ``user`` (a customer contact) may see."""
    events = ticket.events.filter(is_public=True, kind__in=SHOWN_KINDS).order_by("at", "id")
    comments = {c.pk: c for c in ticket.comments.filter(is_public=True)}
    files = list(visible_attachments(user, ticket).filter(is_public=True))
    files_by_id = {str(f.pk): f for f in files}
    files_by_comment = defaultdict(list)
    for attachment in files:
        if attachment.comment_id is not None:
            files_by_comment[attachment.comment_id].append(attachment)

    entries = []
    for event in events:
        data = event.data if isinstance(event.data, dict) else {}
        if event.kind == EventKind.CREATED:
            entries.append(Entry(kind="created", at=event.at))
        elif event.kind == EventKind.STATUS and event.to_status in Status.values:
            entries.append(
                Entry(
                    kind="status",
                    at=event.at,
                    status=event.to_status,
                    status_label=Status(event.to_status).label,
                )
            )
        elif event.kind == EventKind.REPLY:
            comment = comments.get(data.get("comment"))
            if comment is not None:
                entries.append(
                    Entry(
                        kind="reply",
                        at=event.at,
                        comment=comment,
                        by_customer=comment.by_customer,
                        attachments=files_by_comment.get(comment.pk, []),
                    )
                )
        elif event.kind == EventKind.ATTACHMENT:
            # Files sent with a reply are shown with the reply.
            attachment = files_by_id.get(str(data.get("attachment", "")))
            if attachment is not None and attachment.comment_id is None:
                entries.append(Entry(kind="file", at=event.at, attachments=[attachment]))
        elif event.kind == EventKind.RATED:
            entries.append(Entry(kind="rated", at=event.at, rating=data.get("rating")))
    return entries
