"""`calendar_changed` is sent after a change commits: once per calendar per transaction, with
the version after it, and never for a change that rolled back."""

from datetime import date, time

import pytest
from django.db import transaction

from opsbook.calendars.notice import read_notice
from opsbook.calendars.notice_import import do_import_notice
from opsbook.calendars.services import (
    do_create_calendar,
    do_set_exception,
    do_set_weekly_windows,
    do_update_calendar,
)
from opsbook.calendars.signals import calendar_changed
from opsbook.core.errors import ConflictError

from .helpers import NOTICE_2027, csv_bytes, make_office


@pytest.fixture
def received():
    calls = []

    def receiver(sender, calendar_id, version, **kwargs):
        calls.append((calendar_id, version))

    calendar_changed.connect(receiver, dispatch_uid="test-receiver")
    yield calls
    calendar_changed.disconnect(dispatch_uid="test-receiver")


def test_a_change_is_announced_after_commit_with_the_new_version(
    db, received, django_capture_on_commit_callbacks
):
    office = make_office()

    with django_capture_on_commit_callbacks(execute=True):
        do_update_calendar(None, office, description="总部")
        assert received == []  # not before the commit

    assert received == [(office.pk, 2)]


def test_several_changes_in_one_transaction_are_announced_once(
    db, received, django_capture_on_commit_callbacks
):
    office = make_office()
    other = make_office(name="北京办公室")

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        do_set_weekly_windows(None, office, [(1, time(8), time(17))])
        do_set_exception(None, office, date=date(2027, 1, 1), kind="holiday")
        do_set_exception(None, other, date=date(2027, 1, 1), kind="holiday")

    assert sorted(received) == sorted([(office.pk, 3), (other.pk, 2)])


def test_an_import_is_announced_once(db, received, django_capture_on_commit_callbacks):
    office = make_office()
    notice = read_notice(csv_bytes(NOTICE_2027), "2027.csv")

    with django_capture_on_commit_callbacks(execute=True):
        do_import_notice(None, office, notice, mark_covered=2027)

    assert received == [(office.pk, 3)]  # the exceptions, then the covered year


def test_a_change_that_rolls_back_is_not_announced(
    db, received, django_capture_on_commit_callbacks
):
    office = make_office()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(ConflictError):
            do_update_calendar(None, office, description="x", expected_version=99)
        with pytest.raises(RuntimeError), transaction.atomic():
            do_update_calendar(None, office, description="y")
            raise RuntimeError("rolled back")

    assert callbacks == []
    assert received == []


def test_creating_a_calendar_is_not_announced(db, received, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_office()

    assert received == []


def test_a_new_default_calendar_is_announced_so_tickets_move_to_it(
    db, received, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        calendar = do_create_calendar(
            None, name="新默认", time_zone="Asia/Shanghai", is_default=True, source="test"
        )

    assert received == [(calendar.pk, calendar.version)]


def test_a_failing_receiver_is_logged_and_the_others_still_run(
    db, received, django_capture_on_commit_callbacks, caplog
):
    office = make_office()

    def broken(**kwargs):
        raise RuntimeError("receiver bug")

    calendar_changed.connect(broken, dispatch_uid="test-broken")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            do_update_calendar(None, office, description="总部")
    finally:
        calendar_changed.disconnect(dispatch_uid="test-broken")

    office.refresh_from_db()
    assert office.description == "总部"
    assert received == [(office.pk, 2)]
    assert "receiver bug" in caplog.text
