"""Shared set-up for portal tests: a service 星火教育 receives, tickets of two organisations."""

from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from opsbook.tickets import services
from opsbook.tickets.models import Ticket
from opsbook.tickets.tests.factories import give_service, make_service, make_ticket

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def png(name="截图.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def text_file(name="日志.txt", body="登录失败 error 500\n") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, body.encode(), content_type="text/plain")


@pytest.fixture(autouse=True)
def _media_and_cache(settings, tmp_path):
    """Attachments under a temporary directory; rate-limit counts start from zero."""
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()


@dataclass
class World:
    service: object  # a service item both organisations receive, owned by alice
    dana_ticket: Ticket  # 星火教育's ticket, raised by dana in the portal
    carl_ticket: Ticket  # 明远学校's ticket


@pytest.fixture
def world(personas) -> World:
    item = make_service(personas.alice, standards=(("portal", "", 60, 480, "calendar"),))
    give_service(personas.customer_a, item)
    give_service(personas.customer_b, item)
    dana_ticket = services.do_create_ticket(
        personas.dana,
        title="无法登录管理后台",
        description="输入密码后一直转圈。",
        channel="portal",
        item=item,
    )
    carl_ticket = make_ticket(
        personas.alice, item, title="明远：打印机卡纸", customer=personas.customer_b
    )
    return World(service=item, dana_ticket=dana_ticket, carl_ticket=carl_ticket)


def resolved(ticket: Ticket, agent) -> Ticket:
    services.do_reply(agent, ticket, "已处理，请重试。", then_status="resolved")
    ticket.refresh_from_db()
    return ticket
