"""``opsbook schedule`` prints what the generator would create, on the same code path."""

import json
import subprocess
import sys
from datetime import date, time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from opsbook.calendars.models import Calendar
from opsbook.calendars.services import do_create_calendar
from opsbook.calendars.sync import do_sync_china_calendar
from opsbook.catalog.frequency import parse_frequency
from opsbook.routines.dates import due_dates, working_days

OPSBOOK = Path(sys.executable).with_name("opsbook")
NATIONAL_DAY = ("--from", "2026-09-28", "--to", "2026-10-11")


@pytest.fixture
def china(db):
    return do_sync_china_calendar().calendar


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("schedule", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_prints_one_line_per_occurrence_with_the_move_and_the_holiday(china):
    out, err = run("每周一、三、五", *NATIONAL_DAY)
    lines = out.splitlines()
    assert lines[:6] == [
        "2026-09-28  Monday  #1  period 2026-09-28 – 2026-10-04",
        "2026-09-30  Wednesday  #2  period 2026-09-28 – 2026-10-04",
        "2026-09-30  Wednesday  #3  period 2026-09-28 – 2026-10-04"
        "  moved from 2026-10-02 Friday: 国庆节",
        "2026-10-08  Thursday  #1  period 2026-10-05 – 2026-10-11"
        "  moved from 2026-10-05 Monday: 国庆节",
        "2026-10-08  Thursday  #2  period 2026-10-05 – 2026-10-11"
        "  moved from 2026-10-07 Wednesday: 国庆节",
        "2026-10-09  Friday  #3  period 2026-10-05 – 2026-10-11",
    ]
    assert lines[6] == (
        "Every Mon, Wed, Fri on 中国大陆工作日: 6 due from 2026-09-28 to 2026-10-11."
    )
    assert err == ""


def test_json_is_the_list_the_generator_would_create(china):
    out, _err = run("每月5日前", "--from", "2026-09-01", "--to", "2026-12-31", "--json")
    rows = json.loads(out)
    assert rows[1] == {
        "due": "2026-10-08",
        "planned": "2026-10-05",
        "period_start": "2026-10-01",
        "period_end": "2026-10-31",
        "index": 1,
    }
    days = working_days(None, date(2026, 9, 1), date(2026, 12, 31))
    same = due_dates(parse_frequency("每月5日前"), days, date(2026, 9, 1), date(2026, 12, 31))
    assert [r["due"] for r in rows] == [o.due.isoformat() for o in same]


def test_shift_and_anchor_are_passed_on(china):
    out, _ = run(
        "每月15日", "--from", "2026-11-01", "--to", "2026-11-30", "--shift", "next", "--json"
    )
    assert [r["due"] for r in json.loads(out)] == ["2026-11-16"]
    out, _ = run("每周日", "--from", "2026-11-09", "--to", "2026-11-15", "--shift=keep", "--json")
    assert [r["due"] for r in json.loads(out)] == ["2026-11-15"]
    out, _ = run("每两周", "--from", "2026-01-05", "--to", "2026-01-18", "--anchor", "2026-01-14")
    assert out.splitlines()[0].startswith("2026-01-09  Friday  #1  period 2025-12-29 – 2026-01-11")


def test_an_unquoted_english_phrase_is_one_phrase(china):
    out, _ = run("twice", "a", "week", *NATIONAL_DAY, "--json")
    assert [r["due"] for r in json.loads(out)] == [
        "2026-09-28",
        "2026-09-30",
        "2026-10-08",
        "2026-10-10",
    ]


def test_another_calendar_by_name_or_by_id(china):
    plain = do_create_calendar(
        None,
        name="周一至周五",
        time_zone="Asia/Shanghai",
        windows=[(wd, time(9), time(17)) for wd in range(1, 6)],
    )
    by_name, _ = run("每周五", *NATIONAL_DAY, "--calendar", "周一至周五", "--json")
    by_id, err = run("每周五", *NATIONAL_DAY, "--calendar", str(plain.pk), "--json")
    assert by_name == by_id
    assert [r["due"] for r in json.loads(by_name)] == ["2026-10-02", "2026-10-09"]
    assert "no holiday data for 2026" in err


def test_an_unknown_calendar_is_named_in_the_error(china):
    with pytest.raises(CommandError, match=r"no calendar named 香港.*中国大陆工作日"):
        run("每周", *NATIONAL_DAY, "--calendar", "香港")


def test_on_demand_exits_1_with_the_reason(china):
    with pytest.raises(CommandError, match="by hand or from a ticket") as caught:
        run("按需", *NATIONAL_DAY)
    assert caught.value.returncode == 1


def test_a_phrase_it_cannot_read_exits_1_with_examples(china):
    with pytest.raises(CommandError, match=r"办结后3个工作日内.*每周两次") as caught:
        run("办结后3个工作日内", *NATIONAL_DAY)
    assert caught.value.returncode == 1


def test_without_a_default_calendar_it_says_how_to_get_one(db):
    assert not Calendar.objects.exists()
    with pytest.raises(CommandError, match="calendar sync-cn"):
        run("每周", *NATIONAL_DAY)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--from", "2026-10-11", "--to", "2026-09-28"), "is before --from"),
        (("--from", "2026-01-01", "--to", "2036-01-01"), "at most 10 years"),
        (("--from", "2026-13-01", "--to", "2026-12-31"), "not a date"),
        (("--from", "2026-01-01"), "--to"),
        (("--from", "9999-01-01", "--to", "9999-12-31"), "between 1970 and 2200"),
        (("--from", "2026-01-01", "--to", "2026-01-31", "--shift", "later"), "invalid choice"),
    ],
)
def test_bad_dates_and_options_are_refused_clearly(china, args, message):
    with pytest.raises(CommandError, match=message):
        run("每周", *args)


def test_ten_years_is_allowed(china):
    out, err = run("每年", "--from", "2020-01-01", "--to", "2029-12-31", "--json")
    assert len(json.loads(out)) == 10
    assert "2027, 2028, 2029" in err


def test_the_installed_command_exits_2_on_a_usage_error_and_1_on_a_bad_range():
    usage = subprocess.run(  # noqa: S603 - our own console script, fixed arguments
        [OPSBOOK, "schedule", "每周", "--from", "tomorrow", "--to", "2026-01-01"],
        capture_output=True,
        check=False,
        timeout=60,
    )
    assert usage.returncode == 2
    assert "not a date (YYYY-MM-DD)" in usage.stderr.decode()
    backwards = subprocess.run(  # noqa: S603
        [OPSBOOK, "schedule", "每周", "--from", "2026-02-01", "--to", "2026-01-01"],
        capture_output=True,
        check=False,
        timeout=60,
    )
    assert backwards.returncode == 1
    assert "2026-01-01" in backwards.stderr.decode()
