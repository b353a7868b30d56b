"""The world the tickets API tests share: one service two customers receive, a ticket of each
customer on it (owned by alice's team), and a few small helpers. Requests go through the whole
URL and middleware stack with real bearer tokens (opsbook/catalog/tests/api_helpers.py)."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from opsbook.catalog.tests.api_helpers import ApiClient, api_as, error_fields
from opsbook.tickets import services
from opsbook.tickets.models import Ticket
from opsbook.tickets.tests.factories import give_service, make_calendar, make_service, make_ticket

__all__ = ["ApiClient", "World", "api_as", "error_fields", "png", "world"]

# The world's clock starts on a Tuesday morning in a year its calendar covers (make_calendar:
# 2025-2027) and runs on from there, whatever the date the suite runs on.
WORLD_STARTS = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def png(name="截图.png", data=PNG):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="image/png")


@dataclass
class World:
    item: object
    ticket_a: Ticket  # 星火教育's (dana's), handled by alice's team
    ticket_b: Ticket  # 明远学校's (carl's)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def world(personas, media, time_machine) -> World:
    time_machine.move_to(WORLD_STARTS, tick=True)
    make_calendar()
    item = make_service(
        personas.alice,
        code="SVC-HOT",
        name="热线电话服务",
        standards=(("phone", "", 30, 480, "business"), ("portal", "", 60, 960, "business")),
    )
    give_service(personas.customer_a, item)
    give_service(personas.customer_b, item)
    ticket_a = make_ticket(
        personas.mia,
        item,
        title="星火教育：无法登录",
        customer=personas.customer_a,
        contact=personas.dana,
    )
    ticket_b = make_ticket(
        personas.mia,
        item,
        title="明远学校：打印机故障",
        customer=personas.customer_b,
        contact=personas.carl,
    )
    return World(item, ticket_a, ticket_b)


def resolve(ticket: Ticket, actor) -> Ticket:
    services.do_reply(actor, ticket, "已处理，请确认")
    ticket.refresh_from_db()
    services.do_change_status(actor, ticket, "resolved")
    ticket.refresh_from_db()
    return ticket
