"""Small factories for the problems tests: tickets written directly (their life is tested in
tickets/), problems and actions through the services or directly when the test is about
reading them."""

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from opsbook.problems.models import Action, Problem, ProblemTicket
from opsbook.tickets.models import Ticket

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai, 3 December 2026


def at(y: int, m: int, d: int, h: int = 12) -> datetime:
    """An instant in Shanghai time (the organisation's zone in the tests' settings)."""
    return datetime(y, m, d, h, tzinfo=SH)


def ticket(created: datetime, **fields: Any) -> Ticket:
    fields.setdefault("title", "无法登录")
    fields.setdefault("channel", "phone")
    return Ticket.objects.create(created_at=created, **fields)


def problem(*tickets: Ticket, **fields: Any) -> Problem:
    fields.setdefault("title", "统一身份认证频繁登录失败")
    fields.setdefault("raised_at", at(2026, 10, 1))
    p = Problem.objects.create(**fields)
    for t in tickets:
        ProblemTicket.objects.create(problem=p, ticket=t)
    return p


def action(**fields: Any) -> Action:
    fields.setdefault("title", "升级认证服务器")
    fields.setdefault("created_at", at(2026, 10, 5))
    return Action.objects.create(**fields)
