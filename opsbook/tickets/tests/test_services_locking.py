"""Optimistic locking: when two agents save the same ticket, the second gets a conflict and
nothing of their save is written."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from opsbook.core.errors import ConflictError
from opsbook.tickets import services
from opsbook.tickets.choices import EventKind, Status
from opsbook.tickets.models import Ticket
from opsbook.tickets.tests.factories import make_calendar, make_service, make_ticket

TZ = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(personas):
    make_calendar()
    item = make_service(personas.alice)
    return make_ticket(
        personas.alice, item, tags=["登录"], now=datetime(2026, 11, 23, 9, tzinfo=TZ)
    )


def test_the_second_of_two_saves_from_the_same_version_is_refused_and_writes_nothing(
    personas, ticket
):
    opened_by_alice = Ticket.objects.get(pk=ticket.pk)
    opened_by_bob = Ticket.objects.get(pk=ticket.pk)
    version = opened_by_alice.version

    services.do_update_ticket(
        personas.alice, opened_by_alice, expected_version=version, title="无法登录（已复现）"
    )
    with pytest.raises(ConflictError) as excinfo:
        services.do_update_ticket(
            personas.bob,
            opened_by_bob,
            expected_version=version,
            title="登录慢",
            priority="high",
            tags=["性能"],
        )

    assert "changed by someone else" in str(excinfo.value)
    saved = Ticket.objects.get(pk=ticket.pk)
    assert saved.title == "无法登录（已复现）"
    assert saved.priority == "normal"
    assert [t.name for t in saved.tags.all()] == ["登录"]
    assert saved.version == version + 1
    assert saved.events.filter(kind=EventKind.CHANGED).count() == 1


def test_a_stale_status_change_is_refused(personas, ticket):
    version = ticket.version
    services.start(personas.alice, ticket, expected_version=version)

    with pytest.raises(ConflictError):
        services.resolve(personas.bob, ticket, expected_version=version)

    assert Ticket.objects.get(pk=ticket.pk).status == Status.IN_PROGRESS


def test_a_stale_reply_is_refused_and_no_comment_is_written(personas, ticket):
    version = ticket.version
    services.do_reply(personas.alice, ticket, "第一条", expected_version=version)

    with pytest.raises(ConflictError):
        services.do_reply(personas.bob, ticket, "第二条", expected_version=version)

    assert list(ticket.comments.values_list("body", flat=True)) == ["第一条"]


def test_a_stale_assignment_is_refused(personas, ticket):
    version = ticket.version
    services.do_reply(personas.alice, ticket, "处理中", expected_version=version)

    with pytest.raises(ConflictError):
        services.do_assign_ticket(
            personas.alice, ticket, assignee=personas.bob, expected_version=version
        )

    assert Ticket.objects.get(pk=ticket.pk).assignee == personas.alice


def test_every_save_moves_the_version_on(personas, ticket):
    version = ticket.version

    ticket = services.do_update_ticket(
        personas.alice, ticket, expected_version=version, description="详情"
    )
    assert ticket.version == version + 1
    services.do_reply(personas.alice, ticket, "收到", expected_version=ticket.version)
    assert Ticket.objects.get(pk=ticket.pk).version == version + 2


def test_saving_without_changes_keeps_the_version(personas, ticket):
    version = ticket.version

    same = services.do_update_ticket(
        personas.alice, ticket, expected_version=version, title=ticket.title
    )

    assert same.version == version
    assert not ticket.events.filter(kind=EventKind.CHANGED).exists()
