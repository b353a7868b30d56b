from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from opsbook.calendars.models import Calendar, CalendarException
from opsbook.calendars.services import do_create_calendar


def opsbook(*args) -> str:
    out = StringIO()
    call_command("calendar", *args, stdout=out)
    return out.getvalue()


def test_sync_cn_creates_the_calendar_and_prints_the_years_covered(db):
    output = opsbook("sync-cn")

    assert "中国大陆工作日: created from chinesecalendar" in output
    assert "years covered: 2004–" in output
    assert CalendarException.objects.filter(date=date(2026, 10, 10), kind="workday").exists()


def test_sync_cn_twice_reports_no_changes(db):
    opsbook("sync-cn")

    output = opsbook("sync-cn")

    assert "unchanged" in output
    assert "exceptions added 0, updated 0, removed 0" in output


def test_sync_cn_can_fill_another_calendar(db):
    do_create_calendar(None, name="门店", time_zone="Asia/Shanghai")

    output = opsbook("sync-cn", "--calendar", "门店")

    assert output.startswith("门店: updated")
    assert Calendar.objects.count() == 1


def test_sync_cn_refuses_an_unknown_calendar(db):
    with pytest.raises(CommandError, match="no calendar named"):
        opsbook("sync-cn", "--calendar", "nowhere")
    assert not Calendar.objects.exists()


def test_health_exits_with_status_1_and_prints_the_warnings(db):
    opsbook("sync-cn")
    out = StringIO()

    with pytest.raises(CommandError) as caught:
        call_command("calendar", "health", "--today", "2026-11-23", stdout=out)

    assert caught.value.returncode == 1
    assert out.getvalue().startswith("warning: 中国大陆工作日")
    assert "2027" in out.getvalue()


def test_health_is_quiet_and_succeeds_when_all_years_are_there(db):
    opsbook("sync-cn")

    output = opsbook("health", "--today", "2026-06-01")

    assert "warning" not in output
    assert "中国大陆工作日: years covered 2004–" in output


def test_health_refuses_a_date_it_cannot_read(db):
    with pytest.raises(CommandError, match="not a date"):
        opsbook("health", "--today", "23/11/2026")
