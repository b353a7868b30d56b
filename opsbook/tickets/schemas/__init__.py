"""Shapes of the tickets API. Input schemas (``…In``, ``…Patch``, in ``input``) are separate
from output schemas (``…Out``): what a client may send is not what it reads back.

Output schemas read tickets prepared by ``tickets/api/`` (related rows joined, tags
prefetched), so a page of tickets costs the same number of queries whatever its size. Customer
contacts read their own ticket shapes (``Customer…Out``): what the portal shows them, no
staff-only field; in replies, files and events, staff members are shown by display name only.
Ticket shapes are filled by ``ticket_data`` (``output``: one
function for the list, the detail and every action's answer); the smaller shapes
(``timeline``) read model instances through ninja's resolvers.
"""

from .input import (
    AssignIn,
    FollowUpIn,
    NoteIn,
    PageIn,
    RatingIn,
    ReplyIn,
    TicketFilterQuery,
    TicketIn,
    TicketPatch,
    TransitionIn,
)
from .output import (
    AnyTicketDetail,
    AnyTicketPage,
    CustomerTicketDetailOut,
    CustomerTicketOut,
    CustomerTicketPage,
    TicketDetailOut,
    TicketOut,
    TicketPage,
    sla_of,
    ticket_data,
    ticket_detail_data,
)
from .reader import request_now, user_ref, viewer_is_customer
from .timeline import AttachmentOut, CommentOut, EventOut, EventPage, FollowUpOut, ReplyOut

__all__ = [
    "AnyTicketDetail",
    "AnyTicketPage",
    "AssignIn",
    "AttachmentOut",
    "CommentOut",
    "CustomerTicketDetailOut",
    "CustomerTicketOut",
    "CustomerTicketPage",
    "EventOut",
    "EventPage",
    "FollowUpIn",
    "FollowUpOut",
    "NoteIn",
    "PageIn",
    "RatingIn",
    "ReplyIn",
    "ReplyOut",
    "TicketDetailOut",
    "TicketFilterQuery",
    "TicketIn",
    "TicketOut",
    "TicketPage",
    "TicketPatch",
    "TransitionIn",
    "request_now",
    "sla_of",
    "ticket_data",
    "ticket_detail_data",
    "user_ref",
    "viewer_is_customer",
]
