"""Properties of the SLA clocks over random status histories (hypothesis), on the China-style
calendar with its 2026 holidays and make-up workdays, and on calendar time."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from opsbook.calendars.businesstime import business_seconds
from opsbook.tickets.choices import RUNNING_STATUSES, Status
from opsbook.tickets.sla import ROUND_THE_CLOCK, Policy, compute, warning_target
from opsbook.tickets.tests.factories import china_calendar

TZ = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 1, 1, tzinfo=TZ)
CAL = china_calendar()
POLICIES = [
    Policy(30 * 60, 8 * 3600, CAL),
    Policy(7 * 60 + 13, 3 * 86400 + 17, CAL, warning_share=0.7),
    Policy(30 * 60, 4 * 3600, ROUND_THE_CLOCK, counts_business_time=False),
]

minutes = st.integers(min_value=0, max_value=60 * 24 * 20)
seconds = st.integers(min_value=0, max_value=59)
statuses = st.sampled_from(list(Status))
running_statuses = st.sampled_from(sorted(RUNNING_STATUSES))


@st.composite
def histories(draw, status=statuses, allow_backwards=True):
    """(policy, created_at, changes, first_response_at) with gaps of minutes to weeks."""
    created = START + timedelta(minutes=draw(st.integers(0, 60 * 24 * 340)), seconds=draw(seconds))
    changes = [(created, Status.NEW)]
    moment = created
    for _ in range(draw(st.integers(0, 8))):
        low = -60 * 24 if allow_backwards else 0
        moment = moment + timedelta(minutes=draw(st.integers(low, 60 * 24 * 5)))
        changes.append((moment, draw(status)))
    responded = draw(st.none() | minutes)
    first_response = None if responded is None else created + timedelta(minutes=responded)
    return draw(st.sampled_from(POLICIES)), created, changes, first_response


def run(history, now):
    policy, created, changes, first_response = history
    return compute(
        policy, created_at=created, changes=changes, first_response_at=first_response, now=now
    )


@settings(max_examples=300, deadline=None)
@given(histories(), minutes, minutes)
def test_elapsed_time_never_decreases_as_now_moves_on(history, a, b):
    created = history[1]
    earlier, later = sorted([created + timedelta(minutes=a), created + timedelta(minutes=b)])

    first, second = run(history, earlier), run(history, later)

    assert first.response.elapsed <= second.response.elapsed
    assert first.resolution.elapsed <= second.resolution.elapsed
    assert first.paused_seconds <= second.paused_seconds
    assert first.stopped_seconds <= second.stopped_seconds


@settings(max_examples=300, deadline=None)
@given(histories(), minutes)
def test_running_paused_and_stopped_time_add_up_to_all_time_since_creation(history, offset):
    policy, created = history[0], history[1]
    now = created + timedelta(minutes=offset, seconds=offset % 7)

    result = run(history, now)

    total = business_seconds(policy.calendar, created, now)
    assert result.resolution.elapsed + result.paused_seconds + result.stopped_seconds == total


@settings(max_examples=300, deadline=None)
@given(histories(status=running_statuses, allow_backwards=False), minutes)
def test_never_paused_ticket_is_due_when_its_business_time_since_creation_is_the_target(
    history, offset
):
    policy, created, changes, _ = history
    now = changes[-1][0] + timedelta(minutes=offset)

    result = run(history, now)

    due, warn = result.resolution.due_at, result.resolution.warn_at
    assert business_seconds(policy.calendar, created, due) == policy.resolution_seconds
    warn_seconds = warning_target(policy.resolution_seconds, policy.warning_share)
    assert business_seconds(policy.calendar, created, warn) == warn_seconds


@settings(max_examples=300, deadline=None)
@given(histories(allow_backwards=False), minutes)
def test_due_time_is_where_the_running_time_reaches_the_target(history, offset):
    """Business seconds from creation to the due time, minus the time paused or stopped before
    it, is the target; at the due time the clock is on time, one second later it is late."""
    policy, created, changes, _ = history
    now = changes[-1][0] + timedelta(minutes=offset)

    result = run(history, now)
    clock = result.resolution
    if not (clock.running or clock.elapsed >= clock.target):
        return  # paused, or stopped short of the target: no instant reaches it
    due = clock.due_at

    then = run(history, due)
    assert then.resolution.elapsed == policy.resolution_seconds
    assert (
        business_seconds(policy.calendar, created, due) - then.paused_seconds - then.stopped_seconds
        == policy.resolution_seconds
    )
    assert not then.resolution.breached
    if clock.running:
        assert run(history, due + timedelta(seconds=1)).resolution.breached
        assert clock.breached == (int(now.timestamp()) > int(due.timestamp()))


@settings(max_examples=200, deadline=None)
@given(histories(), minutes)
def test_a_breached_clock_counted_past_its_target_or_ran_after_its_due_time(history, offset):
    created = history[1]
    now = created + timedelta(minutes=offset)

    result = run(history, now)

    for clock in (result.response, result.resolution):
        if clock.elapsed > clock.target:
            assert clock.breached
        if clock.breached:
            assert clock.due_at is not None and clock.elapsed >= clock.target
