"""Worked examples of the SLA clocks (sla.py, pure: no database) on a China-style calendar:
Monday–Friday 09:00–12:00 and 13:30–18:00, the 2026 holidays and 调休 make-up workdays.

Each example here is quoted in docs/users/sla.md under the test's name.
"""

from datetime import datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from opsbook.calendars.businesstime import CompiledCalendar, business_seconds
from opsbook.tickets.choices import Status
from opsbook.tickets.sla import ROUND_THE_CLOCK, Policy, compute, status_at, status_segments
from opsbook.tickets.tests.factories import china_calendar

TZ = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
UTC = ZoneInfo("UTC")
CAL = china_calendar()
MIN, HOUR = 60, 3600
# 电话: respond within 30 business minutes, resolve within 8 business hours.
PHONE = Policy(30 * MIN, 8 * HOUR, CAL)

NEW, WAITING, IN_PROGRESS = Status.NEW, Status.WAITING, Status.IN_PROGRESS
RESOLVED, CLOSED, CANCELLED = Status.RESOLVED, Status.CLOSED, Status.CANCELLED


def at(
    year: int,
    month: int,
    day: int,
    hour: int = 0,
    minute: int = 0,
    second: int = 0,
    microsecond: int = 0,
    *,
    tz: tzinfo = TZ,
) -> datetime:
    return datetime(year, month, day, hour, minute, second, microsecond, tzinfo=tz)


def clocks(created, *changes, now, first_response=None, policy=PHONE):
    return compute(
        policy,
        created_at=created,
        changes=[(created, NEW), *changes],
        first_response_at=first_response,
        now=now,
    )


# --- lunch break -------------------------------------------------------------------------------


def test_lunch_break_does_not_count():
    created = at(2026, 3, 10, 11, 50)  # a Tuesday, ten minutes before lunch

    during_lunch = clocks(created, now=at(2026, 3, 10, 13, 0))

    assert during_lunch.response.elapsed == 10 * MIN
    # 10 minutes before lunch, 20 after it.
    assert during_lunch.response.due_at == at(2026, 3, 10, 13, 50)
    # 75 % of 30 minutes is 22.5 minutes: 10 before lunch, 12.5 after.
    assert during_lunch.response.warn_at == at(2026, 3, 10, 13, 42, 30)
    # 10 min + 4 h 30 (Tuesday afternoon) + 3 h (Wednesday morning) + 20 min after lunch.
    assert during_lunch.resolution.due_at == at(2026, 3, 11, 13, 50)
    assert during_lunch.response.running and not during_lunch.response.breached


# --- tickets created outside working time ------------------------------------------------------


def test_ticket_created_after_hours_starts_counting_at_the_next_window():
    friday_evening = clocks(at(2026, 3, 13, 20, 0), now=at(2026, 3, 16, 9, 10))

    assert friday_evening.response.due_at == at(2026, 3, 16, 9, 30)  # Monday 09:30
    assert friday_evening.response.elapsed == 10 * MIN  # Monday 09:00–09:10 only


def test_ticket_created_on_a_weekend_is_due_like_one_created_on_monday_morning():
    saturday = clocks(at(2026, 3, 14, 10, 0), now=at(2026, 3, 15, 23, 0))

    assert saturday.response.due_at == at(2026, 3, 16, 9, 30)
    assert saturday.resolution.due_at == at(2026, 3, 17, 9, 30)  # 3 h + 4 h 30, then 30 min
    assert saturday.response.elapsed == 0


def test_ticket_created_in_the_lunch_break_starts_at_1330():
    result = clocks(at(2026, 3, 10, 12, 15), now=at(2026, 3, 10, 12, 59))

    assert result.response.due_at == at(2026, 3, 10, 14, 0)
    assert result.response.elapsed == 0


# --- holidays and make-up workdays -------------------------------------------------------------


def test_national_day_holiday_is_skipped():
    # Wednesday 30 Sep 17:00, 2 hours to resolve: 17:00–18:00, then 国庆 1–7 Oct is closed.
    policy = Policy(30 * MIN, 2 * HOUR, CAL)

    result = clocks(at(2026, 9, 30, 17, 0), now=at(2026, 10, 3, 12, 0), policy=policy)

    assert result.response.due_at == at(2026, 9, 30, 17, 30)
    assert result.resolution.due_at == at(2026, 10, 8, 10, 0)
    assert result.resolution.elapsed == HOUR
    assert result.response.breached  # nobody answered by 17:30 on the 30th


def test_ticket_created_during_the_holiday_is_due_after_it():
    result = clocks(at(2026, 10, 3, 10, 0), now=at(2026, 10, 7, 20, 0))

    assert result.response.due_at == at(2026, 10, 8, 9, 30)
    assert result.response.elapsed == 0 and not result.response.breached


def test_make_up_saturday_counts_with_mondays_windows_and_lunch_break():
    # Friday 9 Oct 17:00, 5 hours: 1 h on Friday, Saturday 10 Oct (调休) 09–12 and 13:30–14:30.
    policy = Policy(30 * MIN, 5 * HOUR, CAL)

    result = clocks(at(2026, 10, 9, 17, 0), now=at(2026, 10, 10, 12, 30), policy=policy)

    assert result.resolution.due_at == at(2026, 10, 10, 14, 30)
    assert result.resolution.elapsed == 4 * HOUR  # 1 h Friday + 3 h Saturday morning


def test_ticket_created_on_a_make_up_saturday_keeps_the_lunch_break():
    result = clocks(at(2026, 10, 10, 11, 50), now=at(2026, 10, 10, 11, 55))

    assert result.response.due_at == at(2026, 10, 10, 13, 50)


def test_make_up_sunday_before_national_day_is_a_workday():
    result = clocks(at(2026, 9, 19, 10, 0), now=at(2026, 9, 19, 10, 0))  # a normal Saturday

    assert result.response.due_at == at(2026, 9, 20, 9, 30)  # Sunday 20 Sep is worked


# --- waiting on the customer -------------------------------------------------------------------

PAUSE_CREATED = at(2026, 11, 23, 9, 0)  # a Monday
PAUSE_HISTORY = (
    (at(2026, 11, 23, 9, 10), WAITING),  # the agent asks for a screenshot
    (at(2026, 11, 24, 10, 0), IN_PROGRESS),  # the customer answers on Tuesday at 10:00
    (at(2026, 11, 24, 11, 0), RESOLVED),
)
PAUSE_REPLY = at(2026, 11, 23, 9, 10)


def test_waiting_on_the_customer_pauses_both_clocks():
    paused = clocks(
        PAUSE_CREATED, *PAUSE_HISTORY, first_response=PAUSE_REPLY, now=at(2026, 11, 23, 15, 0)
    )

    assert paused.resolution.paused and not paused.resolution.running
    assert paused.resolution.elapsed == 10 * MIN
    assert paused.resolution.due_at is None  # resumes whenever the customer answers
    assert paused.paused_seconds == (2 * HOUR + 50 * MIN) + 90 * MIN  # 09:10–12:00, 13:30–15:00
    assert paused.response.stopped and paused.response.elapsed == 10 * MIN


def test_due_time_moves_by_the_pause_when_the_customer_answers():
    resumed = clocks(
        PAUSE_CREATED, *PAUSE_HISTORY, first_response=PAUSE_REPLY, now=at(2026, 11, 24, 10, 0)
    )

    # 7 h 50 left from Tuesday 10:00: 2 h + 4 h 30 on Tuesday, 1 h 20 on Wednesday.
    assert resumed.resolution.due_at == at(2026, 11, 25, 10, 20)
    assert resumed.resolution.running


def test_resolved_after_a_pause_counts_only_running_time():
    resolved = clocks(
        PAUSE_CREATED, *PAUSE_HISTORY, first_response=PAUSE_REPLY, now=at(2026, 11, 24, 15, 0)
    )

    assert resolved.resolution.stopped
    assert resolved.resolution.elapsed == 10 * MIN + HOUR
    assert resolved.paused_seconds == (2 * HOUR + 50 * MIN) + 4 * HOUR + 30 * MIN + HOUR
    assert resolved.stopped_seconds == HOUR + 90 * MIN  # Tuesday 11:00–12:00, 13:30–15:00
    assert resolved.resolution.due_at == at(2026, 11, 25, 10, 20)  # as it was when it last ran
    assert not resolved.resolution.breached


def test_a_clock_that_reached_its_target_before_the_pause_stays_breached():
    created = at(2026, 11, 23, 9, 0)
    history = ((at(2026, 11, 23, 9, 45), WAITING),)

    result = clocks(created, *history, now=at(2026, 11, 24, 9, 0))

    assert result.response.due_at == at(2026, 11, 23, 9, 30)
    assert result.response.paused and result.response.breached


# --- reopening ---------------------------------------------------------------------------------

REOPEN_CREATED = at(2026, 11, 23, 9, 0)
REOPEN_HISTORY = (
    (at(2026, 11, 23, 10, 0), RESOLVED),
    (at(2026, 11, 25, 9, 0), IN_PROGRESS),  # the customer replies on Wednesday: reopened
    (at(2026, 11, 25, 11, 0), RESOLVED),
)


def test_reopened_ticket_continues_the_resolution_clock():
    before = clocks(REOPEN_CREATED, *REOPEN_HISTORY, now=at(2026, 11, 24, 12, 0))
    reopened = clocks(REOPEN_CREATED, *REOPEN_HISTORY, now=at(2026, 11, 25, 9, 0))
    after = clocks(REOPEN_CREATED, *REOPEN_HISTORY, now=at(2026, 11, 25, 12, 0))

    assert before.resolution.stopped and before.resolution.elapsed == HOUR
    assert before.resolution.due_at == at(2026, 11, 24, 9, 30)  # as when it last ran
    # 7 hours left on Wednesday from 09:00: 3 h in the morning, 4 h after lunch.
    assert reopened.resolution.running and reopened.resolution.elapsed == HOUR
    assert reopened.resolution.due_at == at(2026, 11, 25, 17, 30)
    assert after.resolution.elapsed == 3 * HOUR
    assert after.stopped_seconds == 6 * HOUR + 30 * MIN + 7 * HOUR + 30 * MIN + HOUR
    assert not after.resolution.breached


# --- the response clock ------------------------------------------------------------------------


def test_response_clock_stops_at_the_first_public_reply_by_staff():
    created = at(2026, 11, 23, 9, 0)

    result = clocks(created, first_response=at(2026, 11, 23, 9, 20), now=at(2026, 11, 23, 17, 0))

    assert result.response.stopped and result.response.elapsed == 20 * MIN
    assert result.resolution.running and result.resolution.elapsed == 7 * HOUR - 30 * MIN


def test_a_reply_recorded_after_now_has_not_happened_yet():
    created = at(2026, 11, 23, 9, 0)

    result = clocks(created, first_response=at(2026, 11, 23, 9, 20), now=at(2026, 11, 23, 9, 10))

    assert result.response.running and result.response.elapsed == 10 * MIN


# --- on time to the second ---------------------------------------------------------------------


def test_a_reply_exactly_at_the_due_time_is_on_time_and_one_second_later_is_late():
    created = at(2026, 11, 23, 9, 0)
    due = at(2026, 11, 23, 9, 30)

    on_time = clocks(created, first_response=due, now=at(2026, 11, 23, 12, 0))
    late = clocks(created, first_response=due + timedelta(seconds=1), now=at(2026, 11, 23, 12))

    assert on_time.response.due_at == due
    assert on_time.response.elapsed == 30 * MIN and not on_time.response.breached
    assert late.response.elapsed == 30 * MIN + 1 and late.response.breached


def test_fractions_of_a_second_are_dropped():
    created = at(2026, 11, 23, 9, 0)
    reply = at(2026, 11, 23, 9, 30, 0, 999_999)

    result = clocks(created, first_response=reply, now=at(2026, 11, 23, 12, 0))

    assert result.response.elapsed == 30 * MIN and not result.response.breached


def test_resolved_exactly_at_the_due_time_is_on_time():
    created = at(2026, 11, 23, 9, 0)
    due = at(2026, 11, 24, 9, 30)  # 7 h 30 on Monday, 30 min on Tuesday

    on_time = clocks(created, (due, RESOLVED), now=due + timedelta(hours=1))
    late = clocks(created, (due + timedelta(seconds=1), RESOLVED), now=due + timedelta(hours=1))

    assert on_time.resolution.due_at == due
    assert on_time.resolution.elapsed == 8 * HOUR and not on_time.resolution.breached
    assert late.resolution.breached


def test_a_running_clock_becomes_late_one_second_after_its_due_time():
    created = at(2026, 11, 23, 9, 0)
    due = at(2026, 11, 23, 9, 30)

    assert not clocks(created, now=due).response.breached
    assert clocks(created, now=due + timedelta(seconds=1)).response.breached
    assert clocks(created, now=due).response.late_at == due + timedelta(seconds=1)


def test_once_the_due_time_has_passed_the_lunch_break_does_not_make_it_on_time():
    # Due at 12:00 sharp; a reply at 12:20 used no more business time, but came after the
    # time the customer was promised.
    created = at(2026, 11, 23, 11, 30)

    at_noon = clocks(created, first_response=at(2026, 11, 23, 12, 0), now=at(2026, 11, 23, 14))
    in_lunch = clocks(created, first_response=at(2026, 11, 23, 12, 20), now=at(2026, 11, 23, 14))

    assert at_noon.response.due_at == at(2026, 11, 23, 12, 0)
    assert not at_noon.response.breached
    assert in_lunch.response.elapsed == 30 * MIN and in_lunch.response.breached


# --- calendar-time targets ---------------------------------------------------------------------


def test_calendar_time_targets_count_every_second():
    policy = Policy(30 * MIN, 4 * HOUR, ROUND_THE_CLOCK, counts_business_time=False)
    created = at(2026, 3, 13, 20, 0)  # Friday evening

    result = clocks(created, now=at(2026, 3, 13, 23, 0), policy=policy)

    assert result.response.due_at == at(2026, 3, 13, 20, 30)
    assert result.resolution.due_at == at(2026, 3, 14, 0, 0)
    assert result.resolution.elapsed == 3 * HOUR
    assert result.response.breached


def test_calendar_time_pauses_while_waiting_too():
    policy = Policy(30 * MIN, 4 * HOUR, ROUND_THE_CLOCK, counts_business_time=False)
    created = at(2026, 10, 1, 10, 0)  # a holiday: calendar time does not care
    history = ((at(2026, 10, 1, 11, 0), WAITING), (at(2026, 10, 2, 9, 0), IN_PROGRESS))

    result = clocks(
        created,
        *history,
        first_response=at(2026, 10, 1, 10, 5),
        now=at(2026, 10, 2, 9, 0),
        policy=policy,
    )

    assert result.resolution.due_at == at(2026, 10, 2, 12, 0)  # 1 h used, 3 h left
    assert result.paused_seconds == 22 * HOUR
    assert not result.calendar_incomplete


def test_calendar_time_is_never_incomplete():
    policy = Policy(30 * MIN, 4 * HOUR, ROUND_THE_CLOCK, counts_business_time=False)

    result = clocks(at(2031, 1, 1, 9), now=at(2031, 1, 1, 10), policy=policy)

    assert not result.calendar_incomplete


# --- years without data ------------------------------------------------------------------------


def test_a_due_time_in_a_year_without_data_is_flagged_calendar_incomplete():
    only_2026 = Policy(30 * MIN, 8 * HOUR, china_calendar(covered=(2026,)))

    result = clocks(at(2026, 12, 31, 16, 0), now=at(2026, 12, 31, 16, 5), policy=only_2026)

    # 2 h on 31 Dec; 1 Jan 2027 follows the weekly windows (nothing is guessed) but is flagged.
    assert result.resolution.due_at == at(2027, 1, 1, 16, 30)
    assert result.calendar_incomplete


def test_a_ticket_finished_inside_covered_years_stays_complete_later():
    only_2026 = Policy(30 * MIN, 8 * HOUR, china_calendar(covered=(2026,)))
    created = at(2026, 12, 30, 9, 0)

    result = clocks(
        created,
        (at(2026, 12, 30, 10, 0), RESOLVED),
        first_response=at(2026, 12, 30, 9, 10),
        now=at(2027, 3, 1, 9, 0),
        policy=only_2026,
    )

    assert not result.calendar_incomplete


def test_an_open_ticket_running_into_a_year_without_data_is_flagged():
    only_2026 = Policy(30 * MIN, 80 * HOUR, china_calendar(covered=(2026,)))

    result = clocks(
        at(2026, 12, 1, 9, 0),
        first_response=at(2026, 12, 1, 9, 5),
        now=at(2026, 12, 2, 9),
        policy=only_2026,
    )

    assert result.resolution.due_at.year == 2026 and not result.calendar_incomplete
    later = clocks(
        at(2026, 12, 1, 9, 0),
        first_response=at(2026, 12, 1, 9, 5),
        now=at(2027, 1, 4, 9),
        policy=only_2026,
    )
    assert later.calendar_incomplete


def test_no_calendar_for_a_business_time_target_guesses_nothing():
    result = clocks(at(2026, 11, 23, 9), now=at(2026, 11, 23, 10), policy=Policy(1800, 3600, None))

    assert result.calendar_incomplete
    assert result.response.due_at is None and result.response.elapsed is None


# --- another time zone, across daylight-saving changes -------------------------------------------

BERLIN_OFFICE = CompiledCalendar(
    "Europe/Berlin", {wd: [(time(9), time(17))] for wd in range(1, 6)}, {}, {2026}
)
BERLIN_ALWAYS = CompiledCalendar(
    "Europe/Berlin", {wd: [(time(0), time(0))] for wd in range(1, 8)}, {}, {2026}
)


def test_berlin_office_hours_across_the_spring_forward_weekend():
    policy = Policy(HOUR, 2 * HOUR, BERLIN_OFFICE)
    created = at(2026, 3, 27, 16, 0, tz=BERLIN)  # Friday 16:00 CET; clocks go forward on Sunday

    result = clocks(created, now=at(2026, 3, 30, 9, 30, tz=BERLIN), policy=policy)

    assert result.resolution.due_at == at(2026, 3, 30, 10, 0, tz=BERLIN)  # Monday 10:00 CEST
    assert result.resolution.due_at == at(2026, 3, 30, 8, 0, tz=UTC)
    assert result.resolution.elapsed == HOUR + 30 * MIN
    assert result.response.due_at == at(2026, 3, 27, 17, 0, tz=BERLIN)  # Friday, CET
    assert result.response.breached


def test_berlin_round_the_clock_day_is_23_hours_when_clocks_spring_forward():
    policy = Policy(None, 24 * HOUR, BERLIN_ALWAYS)
    created = at(2026, 3, 28, 12, 0, tz=BERLIN)  # Saturday noon CET

    result = clocks(created, now=at(2026, 3, 29, 12, 0, tz=BERLIN), policy=policy)

    assert result.resolution.elapsed == 23 * HOUR
    assert result.resolution.due_at == at(2026, 3, 29, 13, 0, tz=BERLIN)  # 24 real hours


def test_berlin_round_the_clock_day_is_25_hours_when_clocks_fall_back():
    policy = Policy(None, 24 * HOUR, BERLIN_ALWAYS)
    created = at(2026, 10, 24, 12, 0, tz=BERLIN)  # Saturday noon CEST

    result = clocks(created, now=at(2026, 10, 25, 12, 0, tz=BERLIN), policy=policy)

    assert result.resolution.elapsed == 25 * HOUR
    assert result.resolution.due_at == at(2026, 10, 25, 11, 0, tz=BERLIN)  # 24 real hours


# --- histories recorded out of order -----------------------------------------------------------


def test_a_change_stamped_before_creation_counts_from_creation():
    created = at(2026, 11, 23, 9, 0)

    result = clocks(
        created,
        (created - timedelta(hours=2), IN_PROGRESS),  # an importer's clock was behind
        (at(2026, 11, 23, 10, 0), WAITING),
        now=at(2026, 11, 23, 11, 0),
    )

    assert result.resolution.elapsed == HOUR
    assert result.paused_seconds == HOUR


def test_a_change_stamped_before_its_predecessor_never_runs_time_backwards():
    created = at(2026, 11, 23, 9, 0)
    changes = [
        (created, NEW),
        (at(2026, 11, 23, 10, 0), WAITING),
        (at(2026, 11, 23, 9, 30), IN_PROGRESS),  # recorded later, stamped earlier
    ]

    segments = status_segments(created, changes, at(2026, 11, 23, 11, 0))
    result = compute(
        PHONE, created_at=created, changes=changes, first_response_at=None, now=at(2026, 11, 23, 11)
    )

    assert segments == [
        (created, at(2026, 11, 23, 10, 0), NEW),
        (at(2026, 11, 23, 10, 0), at(2026, 11, 23, 11, 0), IN_PROGRESS),
    ]
    assert result.resolution.elapsed == 2 * HOUR and result.paused_seconds == 0


def test_changes_after_now_have_not_happened_yet():
    created = at(2026, 11, 23, 9, 0)
    changes = [(created, NEW), (at(2026, 11, 23, 10, 0), RESOLVED)]

    assert status_at(created, changes, at(2026, 11, 23, 9, 59)) == (NEW, created)
    result = compute(
        PHONE, created_at=created, changes=changes, first_response_at=None, now=at(2026, 11, 23, 9)
    )
    assert result.resolution.running and result.resolution.elapsed == 0


def test_a_new_ticket_has_its_due_times_from_the_moment_it_is_created():
    created = at(2026, 11, 20, 11, 50)  # Friday

    result = clocks(created, now=created)

    assert result.response.due_at == at(2026, 11, 20, 13, 50)
    assert result.resolution.due_at == at(2026, 11, 23, 13, 50)  # Monday
    assert result.checkpoints() == [
        at(2026, 11, 20, 13, 42, 30),
        at(2026, 11, 20, 13, 50, 1),
        at(2026, 11, 23, 10, 20),  # 6 h: 4 h 40 on Friday, 1 h 20 on Monday
        at(2026, 11, 23, 13, 50, 1),
    ]


def test_a_ticket_resolved_the_moment_it_was_created_is_met_with_no_time_counted():
    created = at(2026, 11, 23, 9, 0)

    result = clocks(created, (created, RESOLVED), now=at(2026, 11, 30, 9, 0))

    assert result.resolution.stopped and result.resolution.elapsed == 0
    assert result.resolution.due_at == at(2026, 11, 24, 9, 30)
    assert not result.resolution.breached
    assert result.stopped_seconds == business_seconds(CAL, created, at(2026, 11, 30, 9, 0))


def test_cancelled_tickets_stop_both_clocks():
    created = at(2026, 11, 23, 9, 0)

    result = clocks(created, (at(2026, 11, 23, 9, 10), CANCELLED), now=at(2026, 11, 23, 12))

    assert result.response.stopped and result.resolution.stopped
    assert result.response.elapsed == 10 * MIN and not result.response.breached


def test_warning_share_is_rounded_up_to_the_whole_second():
    policy = Policy(30 * MIN, None, CAL, warning_share=0.7)
    created = at(2026, 11, 23, 9, 0)

    result = clocks(created, now=created, policy=policy)

    assert result.response.warn_at == at(2026, 11, 23, 9, 21)  # 1,260 s, not 1,261
    assert result.resolution.target is None and result.resolution.due_at is None
