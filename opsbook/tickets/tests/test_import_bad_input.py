"""Ticket import: bad input is reported with its sheet, row and column, and nothing is written."""

import io
import zipfile

import openpyxl
import pytest

from opsbook.accounts.choices import Role
from opsbook.accounts.testing import make_user
from opsbook.tickets.models import Ticket

from .test_import_files import (
    HEADER,
    STATUS_HEADER,
    counts,
    csv_bytes,
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


def refused(data: bytes, filename: str = "工单.xlsx", **kwargs) -> list[str]:
    report = run(data, filename, **kwargs)
    assert not report.ok
    assert counts() == (0, 0), "nothing may be written"
    assert report.summary["tickets"] == {"created": 0, "updated": 0, "unchanged": 0, "kept": 0}
    return messages(report)


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (
            {"创建时间": "2025-13-01 09:00"},
            "工单!R2 C(创建时间): 2025-13-01 09:00 is not a date and time; write it as "
            "2025-03-01 09:30 or 2025/3/1 9:30.",
        ),
        (
            {"解决时间": "昨天下午"},
            "工单!R2 C(解决时间): 昨天下午 is not a date and time; write it as 2025-03-01 09:30 "
            "or 2025/3/1 9:30.",
        ),
        (
            {"首次响应时间": "2025/2/30 9:00"},
            "工单!R2 C(首次响应时间): 2025/2/30 9:00 is not a date and time; write it as "
            "2025-03-01 09:30 or 2025/3/1 9:30.",
        ),
        (
            {"解决时间": "2025-03-02 09:00"},
            "工单!R2 C(解决时间): The ticket is resolved before it was created.",
        ),
        (
            {"首次响应时间": "2025-03-03 08:59"},
            "工单!R2 C(首次响应时间): The first response is before the ticket was created.",
        ),
        (
            {"关闭时间": "2025-03-03 10:59"},
            "工单!R2 C(关闭时间): The ticket is closed before it was resolved.",
        ),
        (
            {"关闭时间": "2025-07-01 10:00"},
            "工单!R2 C(关闭时间): This time is in the future.",
        ),
        ({"服务项目": "不存在的服务"}, "工单!R2 C(服务项目): Unknown service item 不存在的服务."),
        ({"客户": "无名公司"}, "工单!R2 C(客户): Unknown customer 无名公司."),
        ({"处理人": "赵六"}, "工单!R2 C(处理人): Unknown user 赵六."),
        (
            {"满意度": 6},
            "工单!R2 C(满意度): 6 is not a satisfaction rating; write a whole number from 1 to 5.",
        ),
        (
            {"满意度": "0"},
            "工单!R2 C(满意度): 0 is not a satisfaction rating; write a whole number from 1 to 5.",
        ),
        (
            {"满意度": 4.5},
            "工单!R2 C(满意度): 4.5 is not a satisfaction rating; write a whole number from 1 "
            "to 5.",
        ),
        (
            {"类型": "闲聊"},
            "工单!R2 C(类型): 闲聊 is not one of 咨询/请求、故障、投诉、建议.",
        ),
        (
            {"渠道": "飞鸽传书"},
            "工单!R2 C(渠道): 飞鸽传书 is not one of 电话、邮件、在线客服、门户、企业微信、API、"
            "现场、其他.",
        ),
        ({"优先级": "火烧眉毛"}, "工单!R2 C(优先级): 火烧眉毛 is not one of 紧急、高、普通、低."),
        ({"标题": ""}, "工单!R2 C(标题): Required."),
        ({"标题": "长" * 201}, "工单!R2 C(标题): Longer than 200 characters."),
        ({"渠道": ""}, "工单!R2 C(渠道): Required."),
    ],
)
def test_a_bad_cell_is_reported_where_it_is_and_nothing_is_written(world, cells, expected):
    rows = [open_ticket(), resolved_ticket(**cells)]
    rows.reverse()  # the bad row is row 2, a good one follows

    assert refused(workbook(rows)) == [expected]


def test_an_ambiguous_assignee_name_is_a_problem(world):
    make_user("zhang2", Role.AGENT, display_name="张三")

    assert refused(workbook([resolved_ticket()])) == [
        "工单!R2 C(处理人): 张三 names 2 different users; write the username instead."
    ]


def test_duplicate_external_ids_in_the_file_are_a_problem(world):
    data = workbook([resolved_ticket("T-1"), open_ticket("T-2"), open_ticket("T-1")])

    assert refused(data) == ["工单!R4 C(编号): External id T-1 is also on row 2."]


def test_status_changes_for_unknown_external_ids_are_a_problem(world):
    changes = [["T-2", "2025-03-04 10:00", "处理中"], ["T-404", "2025-03-04 10:00", "处理中"]]

    assert refused(workbook([open_ticket()], changes)) == [
        "状态变更!R3 C(编号): No ticket in 工单 has external id T-404."
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ["T-2", "2025-03-04 09:00", "处理中"],
            "状态变更!R2 C(时间): This change is before the ticket was created (row 2 of 工单).",
        ),
        (
            ["T-2", "2025-03-04 10:00", "搁置了"],
            "状态变更!R2 C(新状态): 搁置了 is not one of "
            "新建、已受理、处理中、等待客户、已解决、已关闭、已取消.",
        ),
        (["T-2", "", "处理中"], "状态变更!R2 C(时间): Required."),
        (["T-2", "2025-03-04 10:00", ""], "状态变更!R2 C(新状态): Required."),
        (["T-2", "2025-09-04 10:00", "处理中"], "状态变更!R2 C(时间): This time is in the future."),
        (
            ["T-2", "4 March", "处理中"],
            "状态变更!R2 C(时间): 4 March is not a date and time; write it as 2025-03-01 09:30 or "
            "2025/3/1 9:30.",
        ),
    ],
)
def test_a_bad_status_change_is_a_problem(world, change, expected):
    assert refused(workbook([open_ticket()], [change])) == [expected]


def test_times_in_the_file_must_agree_with_the_status_changes(world):
    changes = [["T-1", "2025-03-03 10:00", "处理中"]]

    assert refused(workbook([resolved_ticket()], changes)) == [
        "工单!R2 C(解决时间): The ticket has a resolution time but its status changes leave it "
        "In progress.",
        "工单!R2 C(关闭时间): The ticket has a closing time but its status changes leave it "
        "In progress.",
    ]


def test_every_problem_of_the_file_is_listed_at_once(world):
    rows = [
        resolved_ticket("T-1", 创建时间="soon"),
        open_ticket("T-2", 客户="无名公司", 满意度=9),
        resolved_ticket("T-3"),
        open_ticket("T-3"),
    ]
    changes = [["T-404", "2025-03-04 10:00", "处理中"]]

    assert refused(workbook(rows, changes)) == [
        "工单!R2 C(创建时间): soon is not a date and time; write it as 2025-03-01 09:30 or "
        "2025/3/1 9:30.",
        "工单!R3 C(客户): Unknown customer 无名公司.",
        "工单!R3 C(满意度): 9 is not a satisfaction rating; write a whole number from 1 to 5.",
        "工单!R5 C(编号): External id T-3 is also on row 4.",
        "状态变更!R2 C(编号): No ticket in 工单 has external id T-404.",
    ]


def test_a_missing_required_column_is_a_problem(world):
    header = [h for h in HEADER if h != "创建时间"]
    row = [c for h, c in zip(HEADER, resolved_ticket(), strict=True) if h != "创建时间"]

    assert refused(workbook([row], header=header)) == [
        "工单!R1 C(创建时间): This required column is missing."
    ]


def test_a_status_sheet_and_a_status_file_at_once_are_refused(world):
    data = workbook([open_ticket()], [["T-2", "2025-03-04 10:00", "处理中"]])
    status_file = csv_bytes([STATUS_HEADER, ["T-2", "2025-03-04 10:00", "处理中"]])

    (message,) = refused(data, status_data=status_file, status_filename="状态.csv")

    assert "give them once" in message


def test_a_file_that_is_not_a_spreadsheet_is_refused(world):
    assert refused(b"%PDF-1.7 ...", "工单.pdf") == [
        "工单.pdf: This is not an Excel (.xlsx) or CSV file."
    ]


def test_a_damaged_workbook_is_refused(world):
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook><sheets>")
    assert refused(output.getvalue()) == [
        "工单.xlsx: The file is damaged: it is not a readable .xlsx."
    ]


def test_a_csv_in_an_unknown_encoding_is_refused(world):
    data = csv_bytes([HEADER, open_ticket()]).replace(b"T-2", b"T-\xff\xff")

    assert refused(data, "工单.csv") == [
        "工单.csv: The CSV file's encoding is not UTF-8 or GBK; save it as UTF-8."
    ]


def test_a_far_away_cell_is_refused_before_the_sheet_is_loaded(world):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "工单"
    book.active.append(HEADER)
    book.active.cell(row=1_000_000, column=40, value="x")
    output = io.BytesIO()
    book.save(output)

    (message,) = refused(output.getvalue())

    assert "split the file" in message


def test_a_bad_file_leaves_earlier_imports_as_they_were(world):
    assert run(workbook([resolved_ticket()])).ok
    before = list(Ticket.objects.values())

    report = run(workbook([resolved_ticket(标题="新标题"), open_ticket(客户="无名公司")]))

    assert not report.ok
    assert list(Ticket.objects.values()) == before


def _placed(rows: list[list], sheet, top: int, left: int) -> None:
    """``rows`` written with their first cell at (top, left), 1-based, as a user who leaves a
    title block above and margin columns to the left would lay them out."""
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            if value != "":
                sheet.cell(row=top + r, column=left + c, value=value)


def test_problems_name_the_sheets_own_rows_when_the_data_starts_at_c3(world):
    book = openpyxl.Workbook()
    tickets = book.active
    tickets.title = "工单"
    tickets["A1"] = "工单导出"  # a title above the table, outside its columns
    _placed([HEADER, open_ticket("T-2"), resolved_ticket("T-1", 满意度=6)], tickets, top=3, left=3)
    changes = book.create_sheet("状态变更")
    _placed(
        [
            STATUS_HEADER,
            ["T-2", "2025-03-04 10:00", "处理中"],
            ["T-404", "2025-03-04 10:00", "处理中"],
        ],
        changes,
        top=3,
        left=3,
    )
    output = io.BytesIO()
    book.save(output)

    assert refused(output.getvalue()) == [
        "工单!R5 C(满意度): 6 is not a satisfaction rating; write a whole number from 1 to 5.",
        "状态变更!R5 C(编号): No ticket in 工单 has external id T-404.",
    ]
