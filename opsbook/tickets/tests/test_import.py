"""Ticket import: the history and clocks it rebuilds, and what importing again does."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opsbook.tickets import jobs, services, sla_store
from opsbook.tickets.choices import EventKind, Source, Status
from opsbook.tickets.models import Ticket, TicketEvent
from opsbook.tickets.tests.factories import make_ticket

from .test_import_files import (
    NOW,
    at,
    counts,
    make_world,
    messages,
    open_ticket,
    resolved_ticket,
    run,
    workbook,
)


@pytest.fixture
def world(personas):
    return make_world(personas)


PAUSED = [
    ["T-3", "2025-03-03 09:30", "处理中"],
    ["T-3", "2025-03-03 10:00", "等待客户"],
    ["T-3", "2025-03-03 14:00", "处理中"],
    ["T-3", "2025-03-03 16:00", "已解决"],
]


def paused_ticket(**values) -> list:
    """Created Monday 09:00, answered 09:30, waiting on the customer 10:00–14:00 (over lunch),
    resolved 16:00 (the resolution time comes from the status changes)."""
    cells = {"编号": "T-3", "首次响应时间": "2025-03-03 09:30", "解决时间": "", "关闭时间": ""}
    return resolved_ticket(**{**cells, **values})


# --- History and clocks -----------------------------------------------------------------------


def test_a_waiting_period_becomes_paused_business_seconds(world):
    report = run(workbook([paused_ticket()], PAUSED))

    assert report.ok, messages(report)
    ticket = Ticket.objects.get()
    assert ticket.status == Status.RESOLVED
    assert ticket.resolved_at == at("2025-03-03 16:00")
    # Waiting 10:00–12:00 and 13:30–14:00 (the lunch break is not working time).
    assert ticket.paused_business_seconds == 2.5 * 3600
    # Running 09:00–10:00 and 14:00–16:00.
    assert ticket.resolution_business_seconds == 3 * 3600
    assert ticket.response_business_seconds == 30 * 60
    assert not ticket.response_breached and not ticket.resolution_breached
    assert ticket.sla_calendar == world.calendar
    assert ticket.response_due_at == at("2025-03-03 09:30")


def test_the_status_history_becomes_the_timeline(world):
    run(workbook([paused_ticket()], PAUSED))

    timeline = list(
        Ticket.objects.get()
        .events.order_by("at", "id")
        .values_list("kind", "at", "from_status", "to_status", "is_public")
    )
    assert timeline == [
        (EventKind.CREATED, at("2025-03-03 09:00"), "", Status.NEW, True),
        (EventKind.STATUS, at("2025-03-03 09:30"), Status.NEW, Status.IN_PROGRESS, True),
        (EventKind.STATUS, at("2025-03-03 10:00"), Status.IN_PROGRESS, Status.WAITING, True),
        (EventKind.STATUS, at("2025-03-03 14:00"), Status.WAITING, Status.IN_PROGRESS, True),
        (EventKind.STATUS, at("2025-03-03 16:00"), Status.IN_PROGRESS, Status.RESOLVED, True),
    ]


def test_the_clocks_match_what_the_services_store_for_the_same_history(world):
    run(workbook([paused_ticket()], PAUSED))
    imported = Ticket.objects.get()

    sla_store.recompute_sla(imported, NOW)
    recomputed = Ticket.objects.get()

    for name in sla_store.SLA_FIELDS:
        if name not in ("sla_computed_at",):
            assert getattr(recomputed, name) == getattr(imported, name), name


def test_without_status_changes_the_history_is_inferred_from_the_times(world):
    run(workbook([resolved_ticket()]))

    ticket = Ticket.objects.get()
    assert list(ticket.events.values_list("at", "to_status")) == [
        (at("2025-03-03 09:00"), Status.NEW),
        (at("2025-03-03 11:00"), Status.RESOLVED),
        (at("2025-03-04 10:00"), Status.CLOSED),
    ]
    assert ticket.paused_business_seconds == 0
    assert ticket.resolution_business_seconds == 2 * 3600


def test_a_late_first_response_is_stored_as_breached(world):
    run(workbook([resolved_ticket(首次响应时间="2025-03-03 11:00")]))

    ticket = Ticket.objects.get()
    assert ticket.response_breached
    assert ticket.response_business_seconds == 2 * 3600


def test_reopening_counts_and_leaves_the_last_resolution(world):
    changes = [
        ["T-3", "2025-03-03 10:00", "已解决"],
        ["T-3", "2025-03-03 11:00", "重新打开"],
        ["T-3", "2025-03-03 15:00", "已解决"],
        ["T-3", "2025-03-04 09:00", "已关闭"],
    ]

    run(workbook([paused_ticket()], changes))

    ticket = Ticket.objects.get()
    assert (ticket.status, ticket.reopened_count) == (Status.CLOSED, 1)
    assert ticket.resolved_at == at("2025-03-03 15:00")
    assert ticket.closed_at == at("2025-03-04 09:00")


def test_a_cancelled_ticket_keeps_when_it_was_cancelled(world):
    run(workbook([open_ticket()], [["T-2", "2025-03-04 10:00", "作废"]]))

    ticket = Ticket.objects.get()
    assert (ticket.status, ticket.cancelled_at) == (Status.CANCELLED, at("2025-03-04 10:00"))


def test_imported_ratings_are_kept_and_missing_ones_stay_empty(world):
    run(workbook([resolved_ticket("T-1", 满意度="4分"), resolved_ticket("T-9", 满意度="")]))

    ratings = dict(Ticket.objects.values_list("external_id", "rating"))
    assert ratings == {"T-1": 4, "T-9": None}
    assert not Ticket.objects.filter(rated_at__isnull=False).exists()


def test_breaches_before_the_import_are_not_announced_by_the_sla_job(world):
    # Opened in March and still open in June: long breached.
    run(workbook([open_ticket()]))
    ticket = Ticket.objects.get()
    assert ticket.response_breached and ticket.resolution_breached

    assert jobs.check_sla(NOW) == 0

    assert not TicketEvent.objects.filter(kind=EventKind.SLA_BREACH).exists()
    assert mail.outbox == []


def test_an_open_ticket_still_within_its_target_is_checked_when_its_warning_comes(world):
    fresh = open_ticket(创建时间="2025-06-02 11:55")

    run(workbook([fresh]))

    ticket = Ticket.objects.get()
    assert ticket.sla_next_check_at == ticket.response_warn_at
    assert ticket.sla_next_check_at is not None
    assert ticket.sla_next_check_at > NOW


def test_a_dry_run_reports_what_would_happen_and_writes_nothing(world):
    report = run(workbook([resolved_ticket(), open_ticket()]), dry_run=True)

    assert report.ok and report.dry_run
    assert report.summary["tickets"]["created"] == 2
    assert counts() == (0, 0)


# --- Importing again --------------------------------------------------------------------------


def test_importing_the_same_file_again_changes_nothing(world):
    data = workbook([paused_ticket(), open_ticket()], PAUSED)
    run(data)
    before = list(Ticket.objects.order_by("pk").values())
    events = list(TicketEvent.objects.order_by("pk").values())

    report = run(data)

    assert report.ok
    assert report.summary["tickets"] == {"created": 0, "updated": 0, "unchanged": 2, "kept": 0}
    assert report.summary["events"] == 0
    assert list(Ticket.objects.order_by("pk").values()) == before
    assert list(TicketEvent.objects.order_by("pk").values()) == events


def test_a_changed_row_updates_the_imported_ticket_and_its_history(world):
    run(workbook([paused_ticket()], PAUSED))
    ticket = Ticket.objects.get()

    shorter = [PAUSED[0], ["T-3", "2025-03-03 11:00", "已解决"]]
    report = run(workbook([paused_ticket(标题="无法登录（已更正）", 处理人="李四")], shorter))

    assert report.summary["tickets"]["updated"] == 1
    ticket.refresh_from_db()
    assert ticket.title == "无法登录（已更正）"
    assert (ticket.assignee, ticket.team) == (world.bob, world.bob.team)
    assert ticket.version == 2
    assert ticket.resolved_at == at("2025-03-03 11:00")
    assert ticket.paused_business_seconds == 0
    assert list(ticket.events.values_list("to_status", flat=True)) == [
        Status.NEW,
        Status.IN_PROGRESS,
        Status.RESOLVED,
    ]


def test_a_ticket_worked_on_in_opsbook_is_kept_and_reported(world):
    run(workbook([open_ticket()]))
    ticket = Ticket.objects.get()
    services.do_reply(world.bob, ticket, "已收到，正在处理")
    ticket.refresh_from_db()

    report = run(workbook([open_ticket(标题="另一个标题")]))

    assert report.ok
    assert report.summary["tickets"]["kept"] == 1
    assert [str(w) for w in report.warnings] == [
        f"工单!R2 C(编号): Ticket #{ticket.pk} differs from this row but has been worked on in "
        "Opsbook since it was imported; it is kept as it is in Opsbook."
    ]
    kept = Ticket.objects.get()
    assert (kept.title, kept.version) == ("课程咨询", ticket.version)


def test_a_column_left_out_leaves_that_field_of_imported_tickets_alone(world):
    run(workbook([resolved_ticket()]))
    header = ["编号", "标题", "渠道", "创建时间", "首次响应时间", "解决时间", "关闭时间"]
    row = ["T-1", "无法登录", "电话", "2025-03-03 09:00", "2025-03-03 09:20", "2025-03-03 11:00",
           "2025-03-04 10:00"]  # fmt: skip

    report = run(workbook([row], header=header))

    assert report.summary["tickets"]["unchanged"] == 1
    ticket = Ticket.objects.get()
    assert (ticket.rating, ticket.assignee, ticket.priority) == (5, world.alice, "high")


def test_an_external_id_of_a_ticket_that_was_not_imported_is_a_problem(world):
    ticket = make_ticket(world.alice, world.item)
    Ticket.objects.filter(pk=ticket.pk).update(external_id="T-1")

    report = run(workbook([resolved_ticket()]))

    assert messages(report) == [
        f"工单!R2 C(编号): External id T-1 is already ticket #{ticket.pk}, which was not "
        "imported; give this ticket another external id."
    ]
    assert Ticket.objects.get().source == Source.WEB


def test_the_import_asks_the_database_the_same_whatever_the_number_of_tickets(world):
    def queries(rows) -> int:
        Ticket.objects.all().delete()
        with CaptureQueriesContext(connection) as captured:
            assert run(workbook(rows)).ok
        return len(captured)

    # one by e-mail, which no standard measures: the default targets are read once either way
    few = [resolved_ticket("T-1"), open_ticket("T-2", 渠道="邮件")]
    many = [
        resolved_ticket(f"T-{n}", 渠道=channel, 优先级=priority)
        for n, (channel, priority) in enumerate(
            [(c, p) for c in ("电话", "邮件", "在线客服") for p in ("紧急", "高", "普通", "低")]
        )
    ]

    queries(few)  # compiles the calendar once (kept in a process-wide cache)
    assert queries(many) == queries(few)


def test_a_ticket_changed_while_the_import_runs_stops_it_and_nothing_is_written(world, monkeypatch):
    from django.db.models import F

    from opsbook.tickets.excel.importer import _Import

    run(workbook([resolved_ticket()]))
    match = _Import._match

    def match_then_someone_saves(self):
        match(self)
        Ticket.objects.update(version=F("version") + 1)  # an agent saves in the meantime

    monkeypatch.setattr(_Import, "_match", match_then_someone_saves)

    report = run(workbook([resolved_ticket(标题="新标题"), open_ticket()]))

    assert not report.ok
    (message,) = messages(report)
    assert "was changed while the import ran; nothing was written" in message
    assert list(Ticket.objects.values_list("title", flat=True)) == ["无法登录"]
