"""Reading a year's notice from CSV, Excel and iCalendar files: what is understood, and the
problems named by sheet, row and column (or VEVENT line and UID)."""

import io
import zipfile
from datetime import date, time

import pytest
import xlsxwriter

from opsbook.calendars.notice import ical, read_notice

from .helpers import HEADER, NOTICE_2027, csv_bytes, ics_bytes, vevent, xlsx_bytes


def entries_by_date(notice):
    return {e.date: e for e in notice.entries}


# --- CSV and Excel ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, filename",
    [
        (csv_bytes(NOTICE_2027), "2027.csv"),
        (csv_bytes(NOTICE_2027, encoding="gb18030"), "2027-gbk.csv"),
        (xlsx_bytes(NOTICE_2027), "2027.xlsx"),
        (xlsx_bytes(NOTICE_2027, dates_as_dates=True), "2027-dates.xlsx"),
    ],
)
def test_a_notice_sheet_gives_one_entry_per_row(data, filename):
    notice = read_notice(data, filename)

    assert notice.problems == []
    days = entries_by_date(notice)
    assert days[date(2027, 1, 1)].kind == "holiday"
    assert days[date(2027, 1, 1)].name == "元旦"
    assert days[date(2027, 2, 6)].kind == "workday"
    assert days[date(2027, 2, 6)].pattern_weekday == 5
    assert days[date(2027, 2, 5)].kind == "special_hours"
    assert days[date(2027, 2, 5)].windows == ((time(9), time(12)),)


def test_english_headers_and_words_are_understood_too():
    rows = [
        ["2027/10/09", "workday", "National Day", "", "Friday"],
        ["2027年10月1日", "holiday", "National Day", "", ""],
        ["20271231", "special", "", "09:00–12:00；13:30-24:00", ""],
    ]
    header = ["Date", "Kind", "Name", "Windows", "Hours as on"]

    notice = read_notice(csv_bytes(rows, header=header), "en.csv")

    assert notice.problems == []
    days = entries_by_date(notice)
    assert days[date(2027, 10, 9)].pattern_weekday == 5
    assert days[date(2027, 10, 1)].kind == "holiday"
    assert days[date(2027, 12, 31)].windows == ((time(9), time(12)), (time(13, 30), time(0)))


def test_headers_may_carry_both_languages_and_unknown_columns_are_ignored_with_a_warning():
    header = ["日期 (date)", "类型/kind", "名称", "备注", "负责人"]
    rows = [["2027-01-01", "休", "元旦", "国务院通知", "张三"]]

    notice = read_notice(csv_bytes(rows, header=header), "two-languages.csv")

    assert notice.problems == []
    assert notice.entries[0].kind == "holiday"
    [warning] = notice.warnings
    assert "负责人" in warning and "ignored" in warning


def test_each_bad_cell_is_named_by_sheet_row_and_column():
    rows = [
        ["2027-02-30", "假日", "", "", ""],
        ["2027-03-01", "请假", "", "", ""],
        ["2027-03-02", "调休", "", "", "周八"],
        ["2027-03-03", "特殊", "", "9点到12点", ""],
        ["", "假日", "无日期", "", ""],
    ]

    notice = read_notice(xlsx_bytes(rows, sheet="通知"), "bad.xlsx")

    problems = [
        (p.location.sheet, p.location.row, p.location.column, p.field) for p in notice.problems
    ]
    assert problems == [
        ("通知", 2, "A (日期)", "date"),
        ("通知", 3, "B (类型)", "kind"),
        ("通知", 4, "E (按…上班)", "pattern_weekday"),
        ("通知", 5, "D (时段)", "windows"),
        ("通知", 6, "A (日期)", "date"),
    ]
    assert str(notice.problems[1]).startswith("sheet 通知, row 3, column B (类型): ")
    assert "请假" in notice.problems[1].message
    assert notice.entries == []


def test_a_sheet_without_the_date_and_kind_columns_is_refused_at_its_first_row():
    notice = read_notice(csv_bytes([["2027-01-01", "元旦"]], header=["日子", "名称"]), "x.csv")

    [problem] = notice.problems
    assert problem.location.row == 1
    assert "日期 (date)" in problem.message and "类型 (kind)" in problem.message


def test_a_repeated_column_is_a_problem():
    notice = read_notice(
        csv_bytes([["2027-01-01", "假日", "x"]], header=["日期", "类型", "kind"]), "x.csv"
    )

    [problem] = notice.problems
    assert problem.location.column.startswith("C ")


@pytest.mark.parametrize(
    "data, filename, words",
    [
        (b"", "empty.csv", "empty"),
        (bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 100, "old.xls", ".xlsx"),
        (b"PK\x03\x04 not really a zip", "broken.xlsx", "damaged"),
        (b"\x89PNG\r\n\x1a\n\0\0\0", "picture.png", "not an Excel"),
    ],
)
def test_files_that_are_not_sheets_are_refused_with_a_reason(data, filename, words):
    notice = read_notice(data, filename)

    [problem] = notice.problems
    assert words in problem.message
    assert notice.entries == []


def test_a_zip_bomb_dressed_as_a_workbook_is_refused_before_it_is_parsed():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", "0" * (210 * 1024 * 1024))

    notice = read_notice(out.getvalue(), "bomb.xlsx")

    [problem] = notice.problems
    assert "200 MB" in problem.message or "zip bomb" in problem.message


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.IMPORT_MAX_BYTES = 1024

    notice = read_notice(csv_bytes(NOTICE_2027 * 20), "big.csv")

    assert "limit" in notice.problems[0].message


# --- iCalendar --------------------------------------------------------------------------------


def test_all_day_events_are_holidays_unless_they_say_they_are_workdays():
    data = ics_bytes(
        vevent("a@x", "20271001", "国庆节 休", end="20271004"),
        vevent("b@x", "20270926", "国庆节 班"),
        vevent("c@x", "20271009", "国庆节调休上班（按周五上班）"),
        vevent("d@x", "20270101", "New Year", extra="CATEGORIES:Holiday"),
        vevent("e@x", "20270102", "Make-up day", extra="CATEGORIES:WORKDAY"),
    )

    notice = read_notice(data, "holidays.ics")

    assert notice.problems == []
    days = entries_by_date(notice)
    assert [days[date(2027, 10, d)].kind for d in (1, 2, 3)] == ["holiday"] * 3
    assert date(2027, 10, 4) not in days  # DTEND is exclusive
    assert days[date(2027, 10, 1)].name == "国庆节"
    assert days[date(2027, 9, 26)].kind == "workday"
    assert days[date(2027, 9, 26)].name == "国庆节"
    assert days[date(2027, 10, 9)].pattern_weekday == 5
    assert days[date(2027, 1, 1)].kind == "holiday"
    assert days[date(2027, 1, 2)].kind == "workday"


def test_an_ics_file_is_recognised_by_its_content_whatever_its_name():
    data = ics_bytes(vevent("a@x", "20270101", "元旦"))

    assert read_notice(data, "download.txt").entries[0].name == "元旦"


def test_timed_and_repeating_events_are_problems_named_by_line_and_uid():
    data = ics_bytes(
        vevent("ok@x", "20270101", "元旦"),
        "BEGIN:VEVENT\r\nUID:meeting@x\r\nDTSTAMP:20261120T080000Z\r\n"
        "DTSTART:20270105T090000Z\r\nSUMMARY:周会\r\nEND:VEVENT\r\n",
        vevent("weekly@x", "20270106", "每周", extra="RRULE:FREQ=WEEKLY"),
    )

    notice = read_notice(data, "mixed.ics")

    assert [(p.location.line, p.location.uid) for p in notice.problems] == [
        (11, "meeting@x"),
        (17, "weekly@x"),
    ]
    assert "time of day" in notice.problems[0].message
    assert str(notice.problems[0]).startswith("VEVENT at line 11 (UID meeting@x): ")
    assert "RRULE" in notice.problems[1].message


def test_cancelled_events_are_skipped_with_a_warning():
    data = ics_bytes(vevent("x@x", "20270101", "元旦", extra="STATUS:CANCELLED"))

    notice = read_notice(data, "cancelled.ics")

    assert notice.entries == [] and notice.problems == []
    assert "cancelled" in notice.warnings[0]


@pytest.mark.parametrize(
    "data, words",
    [
        (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:2027", "malformed"),
        ("BEGIN:VCALENDAR\r\nX-WR-CALNAME:假日\r\nEND:VCALENDAR\r\n".encode("gb18030"), "UTF-8"),
        (
            b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART;VALUE=DATE:2027-13-45\r\n"
            b"END:VEVENT\r\nEND:VCALENDAR\r\n",
            "DTSTART",
        ),
    ],
)
def test_broken_ics_files_are_refused_with_a_reason(data, words):
    notice = read_notice(data, "broken.ics")

    assert words in notice.problems[0].message


def test_an_ics_file_expanding_to_too_many_dates_is_refused(monkeypatch):
    monkeypatch.setattr(ical, "MAX_DATES", 100)
    data = ics_bytes(vevent("long@x", "20270101", "长假", end="20271231"))

    notice = read_notice(data, "long.ics")

    assert "more than 100 dates" in notice.problems[0].message


def test_a_sheet_starting_at_c3_names_its_own_rows_and_columns():
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("通知")
    sheet.write_row(2, 2, HEADER)
    sheet.write_row(3, 2, ["2027-03-01", "假日", "", "", ""])
    sheet.write_row(4, 2, ["2027-03-02", "请假", "", "", ""])
    book.close()

    notice = read_notice(out.getvalue(), "offset.xlsx")

    problems = [(p.location.sheet, p.location.row, p.location.column) for p in notice.problems]
    assert problems == [("通知", 5, "D (类型)")]
