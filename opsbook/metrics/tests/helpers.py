"""Small factories for metric tests: tickets and their status history written directly (the
engine reads stored columns and events; how services fill them is tested in tickets/)."""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from opsbook.tickets.models import Ticket, TicketEvent

SH = ZoneInfo("Asia/Shanghai")


def at(y: int, m: int, d: int, h: int = 12, mi: int = 0, s: int = 0) -> datetime:
    """An instant in Shanghai time (the organisation's zone in the tests' settings)."""
    return datetime(y, m, d, h, mi, s, tzinfo=SH)


def ticket(created: datetime, *history: tuple[datetime, str], **fields: Any) -> Ticket:
    """A ticket created at ``created`` whose status then changed at each ``(when, to)``."""
    fields.setdefault("title", "无法登录")
    fields.setdefault("channel", "phone")
    status = history[-1][1] if history else "new"
    t = Ticket.objects.create(created_at=created, status=fields.pop("status", status), **fields)
    TicketEvent.objects.create(ticket=t, at=created, kind="created", to_status="new")
    previous = "new"
    for when, to in history:
        TicketEvent.objects.create(
            ticket=t, at=when, kind="status", from_status=previous, to_status=to
        )
        previous = to
    return t
