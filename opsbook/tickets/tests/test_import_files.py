"""Ticket import: the files it reads (xlsx with a 状态变更 sheet, CSV in UTF-8 and GBK, Chinese
and English headers, Excel date cells and serial numbers). The helpers here build the files
and the small world (a calendar, a service with targets, a customer, agents) the other
test_import* modules use."""

import csv
import io
from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from opsbook.tickets.choices import EventKind, Source, Status
from opsbook.tickets.excel.importer import import_tickets
from opsbook.tickets.models import Ticket, TicketEvent
from opsbook.tickets.tests.factories import make_calendar, make_service

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2025, 6, 2, 12, 0, tzinfo=TZ)
HEADER = ["编号", "标题", "类型", "渠道", "优先级", "服务项目", "客户", "创建时间",
          "首次响应时间", "解决时间", "关闭时间", "处理人", "满意度"]  # fmt: skip
HEADER_EN = ["External ID", "Title", "Type", "Channel", "Priority", "Service item", "Customer",
             "Created at", "First response at", "Resolved at", "Closed at", "Assignee",
             "Satisfaction"]  # fmt: skip
STATUS_HEADER = ["编号", "时间", "新状态"]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def ticket_row(**values) -> list:
    """A row under HEADER; unnamed cells are empty. Keys are the Chinese headers."""
    row = dict.fromkeys(HEADER, "")
    row.update(values)
    return [row[h] for h in HEADER]


def resolved_ticket(number="T-1", **values) -> list:
    """A fault reported by phone on Monday 2025-03-03 09:00, answered at 09:20, resolved at
    11:00, closed the next day, rated 5."""
    cells = {
        "编号": number, "标题": "无法登录", "类型": "故障", "渠道": "电话", "优先级": "高",
        "服务项目": "热线电话服务", "客户": "星火教育", "创建时间": "2025-03-03 09:00",
        "首次响应时间": "2025-03-03 09:20", "解决时间": "2025-03-03 11:00",
        "关闭时间": "2025-03-04 10:00", "处理人": "张三", "满意度": 5,
    }  # fmt: skip
    cells.update(values)
    return ticket_row(**cells)


def open_ticket(number="T-2", **values) -> list:
    cells = {
        "编号": number, "标题": "课程咨询", "类型": "咨询", "渠道": "电话", "优先级": "普通",
        "服务项目": "热线电话服务", "客户": "xinghuo", "创建时间": "2025/3/4 9:30", "处理人": "bob",
    }  # fmt: skip
    cells.update(values)
    return ticket_row(**cells)


def workbook(
    tickets: list[list],
    statuses: list[list] | None = None,
    *,
    header: list[str] = HEADER,
    status_header: list[str] = STATUS_HEADER,
    sheet: str = "工单",
    status_sheet: str = "状态变更",
) -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(header)
    for row in tickets:
        ws.append([None if v == "" else v for v in row])
    if statuses is not None:
        changes = book.create_sheet(status_sheet)
        changes.append(status_header)
        for row in statuses:
            changes.append([None if v == "" else v for v in row])
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def csv_bytes(rows: list[list], encoding: str = "utf-8") -> bytes:
    output = io.StringIO()
    csv.writer(output).writerows(rows)
    return output.getvalue().encode(encoding)


def run(data: bytes, filename: str = "工单.xlsx", **kwargs):
    kwargs.setdefault("now", NOW)
    return import_tickets(data, filename, **kwargs)


def counts() -> tuple[int, int]:
    return Ticket.objects.count(), TicketEvent.objects.count()


def messages(report) -> list[str]:
    return [str(p) for p in report.problems]


def make_world(personas) -> SimpleNamespace:
    """Mon–Fri 09:00–12:00 and 13:30–18:00; 热线电话服务 answers phone calls within 30 minutes
    and resolves them within 8 working hours; alice is 张三, bob is 李四."""
    calendar = make_calendar()
    item = make_service(personas.alice, name="热线电话服务")
    return SimpleNamespace(
        calendar=calendar,
        item=item,
        alice=personas.alice,
        bob=personas.bob,
        customer=personas.customer_a,
        other_customer=personas.customer_b,
    )


@pytest.fixture
def world(personas):
    return make_world(personas)


# --- Files ------------------------------------------------------------------------------------


def test_a_workbook_with_chinese_headers_creates_the_tickets(world):
    report = run(workbook([resolved_ticket(), open_ticket()]))

    assert report.ok, messages(report)
    assert report.summary["tickets"] == {"created": 2, "updated": 0, "unchanged": 0, "kept": 0}
    done = Ticket.objects.get(external_id="T-1")
    assert (done.title, done.type, done.channel, done.priority) == (
        "无法登录",
        "incident",
        "phone",
        "high",
    )
    assert (done.item, done.customer, done.assignee) == (world.item, world.customer, world.alice)
    assert done.team == world.alice.team
    assert done.source == Source.IMPORT
    assert done.status == Status.CLOSED
    assert done.created_at == at("2025-03-03 09:00")
    assert done.first_response_at == at("2025-03-03 09:20")
    assert done.resolved_at == at("2025-03-03 11:00")
    assert done.closed_at == at("2025-03-04 10:00")
    assert done.rating == 5
    waiting = Ticket.objects.get(external_id="T-2")
    assert (waiting.status, waiting.assignee, waiting.rating) == (Status.NEW, world.bob, None)
    assert waiting.created_at == at("2025-03-04 09:30")


def test_english_headers_and_english_values_are_read_too(world):
    row = [
        "EN-1", "Cannot log in", "Fault", "E-mail", "Urgent", world.item.code, "xinghuo",
        "2025-03-03T09:00:00+08:00", "2025-03-03 09:10", "2025-03-03 10:00", "", "alice", "4",
    ]  # fmt: skip

    report = run(workbook([row], header=HEADER_EN))

    assert report.ok, messages(report)
    ticket = Ticket.objects.get(external_id="EN-1")
    assert (ticket.type, ticket.channel, ticket.priority) == ("incident", "email", "urgent")
    assert ticket.item == world.item
    assert ticket.status == Status.RESOLVED
    assert ticket.rating == 4


def test_a_gbk_csv_with_a_separate_status_file_is_read(world):
    rows = [HEADER, resolved_ticket(), open_ticket()]
    statuses = [STATUS_HEADER, ["T-2", "2025-03-04 10:00", "处理中"]]

    report = run(
        csv_bytes(rows, "gbk"),
        "工单.csv",
        status_data=csv_bytes(statuses, "gbk"),
        status_filename="状态.csv",
    )

    assert report.ok, messages(report)
    assert Ticket.objects.get(external_id="T-1").title == "无法登录"
    assert Ticket.objects.get(external_id="T-2").status == Status.IN_PROGRESS
    assert report.sheets == {"tickets": "工单.csv", "status_changes": "状态.csv"}


def test_a_utf8_csv_with_a_byte_order_mark_is_read(world):
    data = b"\xef\xbb\xbf" + csv_bytes([HEADER, resolved_ticket()])

    report = run(data, "tickets.csv")

    assert report.ok, messages(report)
    assert Ticket.objects.get().customer == world.customer


def test_excel_date_cells_and_serial_numbers_are_times_in_the_site_time_zone(world):
    row = resolved_ticket(
        创建时间=datetime(2025, 3, 3, 9, 0),  # noqa: DTZ001 (an Excel date cell has no zone)
        首次响应时间=45719.388888889,  # 2025-03-03 09:20 as an Excel serial number
        解决时间="2025年3月3日 11:00",
        关闭时间="2025.3.4 10:00:00",
    )

    report = run(workbook([row]))

    assert report.ok, messages(report)
    ticket = Ticket.objects.get()
    assert ticket.created_at == at("2025-03-03 09:00")
    assert ticket.first_response_at == at("2025-03-03 09:20")
    assert ticket.resolved_at == at("2025-03-03 11:00")
    assert ticket.closed_at == at("2025-03-04 10:00")


def test_the_status_sheet_may_use_english_headers_and_values(world):
    statuses = [["T-2", "2025-03-04 09:40", "acknowledged"], ["T-2", "2025-03-04 09:50", "pending"]]

    report = run(
        workbook(
            [open_ticket()],
            statuses,
            status_header=["External ID", "At", "New status"],
            status_sheet="status changes",
        )
    )

    assert report.ok, messages(report)
    ticket = Ticket.objects.get()
    assert ticket.status == Status.WAITING
    assert ticket.acknowledged_at == at("2025-03-04 09:40")


def test_a_column_that_is_not_imported_is_a_warning_not_a_problem(world):
    header = [*HEADER, "联系电话"]
    report = run(workbook([[*resolved_ticket(), "13800000000"]], header=header))

    assert report.ok
    assert [str(w) for w in report.warnings] == [
        "工单!R1 C(联系电话): This column is not imported (it is not one of the accepted headers)."
    ]


def test_the_events_of_an_import_are_marked_as_imported(world):
    run(workbook([resolved_ticket()]))

    events = list(TicketEvent.objects.values_list("kind", "from_status", "to_status", "data"))
    assert events == [
        (EventKind.CREATED, "", Status.NEW, {"import": True}),
        (EventKind.STATUS, Status.NEW, Status.RESOLVED, {"import": True}),
        (EventKind.STATUS, Status.RESOLVED, Status.CLOSED, {"import": True}),
    ]
