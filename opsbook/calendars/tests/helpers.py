"""Small factories for the calendar tests: an office calendar with a lunch break, and notice
files written the way people write them (CSV, .xlsx, .ics)."""

import csv
import io
import json
from datetime import date, datetime, time
from urllib.parse import urlencode

import xlsxwriter
from django.test import Client

from opsbook.accounts.services import do_create_api_token
from opsbook.calendars.services import do_create_calendar, do_set_exception, do_set_year

LUNCH_BREAK = [(time(9), time(12)), (time(13, 30), time(18))]
OFFICE_WEEK = [(day, s, e) for day in range(1, 6) for s, e in LUNCH_BREAK]
HEADER = ["日期", "类型", "名称", "时段", "按…上班"]
NOTICE_2027 = [
    ["2027-01-01", "假日", "元旦", "", ""],
    ["2027-02-06", "调休", "春节", "", "周五"],
    ["2027-02-08", "节假日", "春节", "", ""],
    ["2027-02-05", "特殊", "春节前", "09:00-12:00", ""],
]


def make_office(actor=None, name="上海办公室", **values):
    return do_create_calendar(
        actor, name=name, time_zone="Asia/Shanghai", windows=OFFICE_WEEK, **values
    )


def with_2026_data(calendar, actor=None):
    """A few 2026 exceptions and the year marked covered."""
    do_set_exception(actor, calendar, date=date(2026, 10, 1), kind="holiday", name="国庆节")
    do_set_exception(actor, calendar, date=date(2026, 10, 10), kind="workday", name="国庆节")
    do_set_year(actor, calendar, 2026, note="国务院办公厅通知")
    calendar.refresh_from_db()
    return calendar


def csv_bytes(rows, header=HEADER, encoding="utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    if header:
        writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows, header=HEADER, sheet="2027年安排", dates_as_dates=False) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    ws = book.add_worksheet(sheet)
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    if header:
        ws.write_row(0, 0, header)
    for r, row in enumerate(rows, 1 if header else 0):
        for c, value in enumerate(row):
            if dates_as_dates and c == 0 and value:
                ws.write_datetime(r, c, datetime.fromisoformat(value), date_format)
            else:
                ws.write_string(r, c, value)
    book.close()
    return out.getvalue()


def ics_bytes(*events: str, name="节假日") -> bytes:
    body = "".join(events)
    text = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//Holidays//CN\r\n"
        f"X-WR-CALNAME:{name}\r\n{body}END:VCALENDAR\r\n"
    )
    return text.encode()


def vevent(uid: str, start: str, summary: str, end: str | None = None, extra: str = "") -> str:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        "DTSTAMP:20261120T080000Z",
        f"DTSTART;VALUE=DATE:{start}",
    ]
    if end:
        lines.append(f"DTEND;VALUE=DATE:{end}")
    lines.append(f"SUMMARY:{summary}")
    if extra:
        lines += extra.split("\n")
    lines.append("END:VEVENT")
    return "\r\n".join(lines) + "\r\n"


class Api:
    """Requests to /api/calendars through the whole stack, with a real bearer token."""

    def __init__(self, user=None):
        self.client = Client()
        self.headers = {}
        if user is not None:
            _token, raw = do_create_api_token(user)
            self.headers = {"Authorization": f"Bearer {raw}"}

    def _send(self, method: str, path: str, payload=None, **params):
        url = f"/api/calendars{path}"
        if method == "get":
            return self.client.get(url, params, headers=self.headers)
        if params:
            url = f"{url}?{urlencode(params)}"
        body = json.dumps(payload) if payload is not None else ""
        return getattr(self.client, method)(
            url, body, content_type="application/json", headers=self.headers
        )

    def get(self, path: str, **params):
        return self._send("get", path, **params)

    def post(self, path: str, payload):
        return self._send("post", path, payload)

    def put(self, path: str, payload):
        return self._send("put", path, payload)

    def patch(self, path: str, payload):
        return self._send("patch", path, payload)

    def delete(self, path: str, **params):
        return self._send("delete", path, **params)
