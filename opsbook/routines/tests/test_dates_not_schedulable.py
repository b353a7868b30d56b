"""Frequencies with no calendar to follow are refused with a reason, in the user's language."""

from datetime import date

import pytest
from django.utils import translation

from opsbook.catalog.frequency import EXAMPLES_ZH, make_frequency, parse_frequency
from opsbook.routines.dates import NotSchedulable, due_dates, frequency_from_dict

from .dates_helpers import china

__all__ = ["china"]
pytestmark = pytest.mark.django_db

JAN = (date(2026, 1, 1), date(2026, 1, 31))


@pytest.mark.parametrize("phrase", ["按需", "不定期", "每次课前", "on demand", "as needed"])
def test_on_demand_and_event_driven_work_is_refused_with_what_to_do_instead(china, phrase):
    with pytest.raises(NotSchedulable) as caught:
        due_dates(parse_frequency(phrase), china, *JAN)
    message = str(caught.value)
    assert "on demand or event-driven" in message
    assert "by hand or from a ticket" in message


def test_the_reason_is_translated(china):
    with translation.override("zh-hans"), pytest.raises(NotSchedulable) as caught:
        due_dates(parse_frequency("按需"), china, *JAN)
    assert "手动" in str(caught.value)


def test_not_schedulable_is_a_value_error(china):
    with pytest.raises(ValueError, match="on demand"):
        due_dates(make_frequency(None), china, *JAN)


def test_a_window_that_ends_before_it_starts_is_a_mistake(china):
    with pytest.raises(ValueError, match="before start"):
        due_dates(parse_frequency("每周"), china, date(2026, 2, 1), date(2026, 1, 1))


def test_a_one_day_window_is_fine(china):
    found = due_dates(parse_frequency("工作日每天两次"), china, date(2026, 1, 5), date(2026, 1, 5))
    assert [(o.due, o.index) for o in found] == [(date(2026, 1, 5), 1), (date(2026, 1, 5), 2)]


@pytest.mark.parametrize(
    "phrase",
    [
        *EXAMPLES_ZH,
        "每季度第二个月",
        "每年3月",
        "每月前3个工作日内",
        "每两周的周一",
        "每季度前15天",
    ],
)
def test_a_stored_frequency_reads_back_as_the_same_value(phrase):
    parsed = parse_frequency(phrase)
    assert frequency_from_dict(parsed.as_dict()) == parsed


def test_a_stored_month_of_the_period_schedules_like_the_phrase(china):
    stored = frequency_from_dict(parse_frequency("每年3月").as_dict())
    [march] = due_dates(stored, china, date(2026, 1, 1), date(2026, 12, 31))
    assert march.due == date(2026, 3, 31)


@pytest.mark.parametrize("stored", [None, {}])
def test_content_without_a_frequency_is_not_schedulable(stored):
    with pytest.raises(NotSchedulable, match="no frequency"):
        frequency_from_dict(stored)
