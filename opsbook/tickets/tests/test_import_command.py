"""`opsbook tickets import`: the command's output, JSON report and exit status."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from opsbook.tickets.choices import Status
from opsbook.tickets.models import Ticket

from .test_import_files import (
    HEADER,
    STATUS_HEADER,
    counts,
    csv_bytes,
    make_world,
    open_ticket,
    resolved_ticket,
    workbook,
)


@pytest.fixture
def world(personas):
    return make_world(personas)


def command(*args) -> str:
    out = io.StringIO()
    call_command("tickets", "import", *map(str, args), stdout=out)
    return out.getvalue()


def test_the_command_imports_and_summarises(world, tmp_path):
    path = tmp_path / "工单.xlsx"
    path.write_bytes(workbook([resolved_ticket(), open_ticket()]))

    output = command(path)

    assert output.splitlines() == [
        "Imported.",
        "tickets: 2 created, 0 updated, 0 unchanged, 0 kept (worked on in Opsbook since an "
        "earlier import)",
        "status changes: 0 rows read; timeline events written: 4",
    ]
    assert Ticket.objects.count() == 2


def test_a_dry_run_says_so_and_writes_nothing(world, tmp_path):
    path = tmp_path / "工单.xlsx"
    path.write_bytes(workbook([resolved_ticket()]))

    output = command(path, "--dry-run")

    assert output.startswith("Dry run: nothing was written.\n")
    assert counts() == (0, 0)


def test_json_gives_the_whole_report(world, tmp_path):
    tickets = tmp_path / "工单.csv"
    tickets.write_bytes(csv_bytes([HEADER, open_ticket()], "gb18030"))
    statuses = tmp_path / "状态.csv"
    statuses.write_bytes(csv_bytes([STATUS_HEADER, ["T-2", "2025-03-04 10:00", "等待客户"]]))

    report = json.loads(command(tickets, "--status-file", statuses, "--json"))

    assert report["ok"] is True
    assert report["dry_run"] is False
    assert report["problems"] == [] and report["warnings"] == []
    assert report["summary"] == {
        "tickets": {"created": 1, "updated": 0, "unchanged": 0, "kept": 0},
        "status_changes": 1,
        "events": 2,
    }
    assert report["sheets"] == {"tickets": "工单.csv", "status_changes": "状态.csv"}
    assert report["columns"]["status_changes"] == ["编号", "时间", "新状态"]
    assert Ticket.objects.get().status == Status.WAITING


def test_problems_are_listed_and_the_exit_status_is_1(world, tmp_path):
    path = tmp_path / "工单.xlsx"
    path.write_bytes(workbook([resolved_ticket(客户="无名公司"), open_ticket("T-1")]))
    out = io.StringIO()

    with pytest.raises(CommandError) as raised:
        call_command("tickets", "import", str(path), stdout=out)

    assert raised.value.returncode == 1
    assert str(raised.value) == "2 problem(s): nothing was written."
    assert out.getvalue().splitlines() == [
        "工单!R2 C(客户): Unknown customer 无名公司.",
        "工单!R3 C(编号): External id T-1 is also on row 2.",
    ]
    assert counts() == (0, 0)


def test_json_problems_have_sheet_row_and_column(world, tmp_path):
    path = tmp_path / "工单.xlsx"
    path.write_bytes(workbook([resolved_ticket(满意度=7)]))
    out = io.StringIO()

    with pytest.raises(CommandError):
        call_command("tickets", "import", str(path), "--json", stdout=out)

    report = json.loads(out.getvalue())
    assert report["ok"] is False
    assert report["problems"] == [
        {
            "sheet": "工单",
            "row": 2,
            "column": "满意度",
            "message": "7 is not a satisfaction rating; write a whole number from 1 to 5.",
        }
    ]


def test_a_missing_file_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        command(tmp_path / "nope.xlsx")
