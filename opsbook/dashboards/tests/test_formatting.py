"""Figures read in their display unit: rates as %, business seconds as h/min; arrows point the
way the number moved and the colour says whether that is good."""

import pytest

from opsbook.dashboards import formatting
from opsbook.metrics.registry import Unit


@pytest.mark.parametrize(
    ("number", "unit", "text"),
    [
        (None, Unit.RATIO, "—"),
        (0.975, Unit.RATIO, "97.5 %"),
        (1, Unit.RATIO, "100.0 %"),
        (0, Unit.RATIO, "0.0 %"),
        (45, Unit.SECONDS, "45 s"),
        (12 * 60 + 20, Unit.SECONDS, "12 min"),
        (3 * 3600 + 20 * 60, Unit.SECONDS, "3 h 20 min"),
        (2 * 3600, Unit.SECONDS, "2 h"),
        (30 * 3600 + 600, Unit.SECONDS, "30 h"),
        (1234, Unit.COUNT, "1,234"),
        (4.3333, Unit.SCORE, "4.33"),
        (42, Unit.NPS, "+42"),
        (-7, Unit.NPS, "-7"),
    ],
)
def test_it_shows_each_unit_in_its_display_form(number, unit, text):
    assert formatting.value(number, unit) == text


def test_a_rate_that_rose_points_up_and_is_good_when_higher_is_better():
    trend = formatting.compare(0.98, 0.95, Unit.RATIO, True)
    assert trend is not None
    assert (trend.arrow, trend.text, trend.tone, trend.css) == (
        "↑",
        "3.0 pp",
        "good",
        "text-success",
    )


def test_a_duration_that_rose_points_up_and_is_bad_when_lower_is_better():
    trend = formatting.compare(7200, 3600, Unit.SECONDS, False)
    assert trend is not None
    assert (trend.arrow, trend.text, trend.tone, trend.pct) == ("↑", "1 h", "bad", "+100.0 %")


def test_a_falling_backlog_points_down_and_is_good():
    trend = formatting.compare(10, 12, Unit.COUNT, False)
    assert trend is not None
    assert (trend.arrow, trend.tone) == ("↓", "good")


def test_a_volume_has_no_good_direction_and_an_unchanged_figure_points_sideways():
    rose = formatting.compare(120, 100, Unit.COUNT, None)
    same = formatting.compare(0.5, 0.5, Unit.RATIO, True)
    assert rose is not None and same is not None
    assert (rose.arrow, rose.tone, rose.css) == ("↑", "neutral", "text-body-secondary")
    assert (same.arrow, same.tone) == ("→", "neutral")


def test_there_is_no_comparison_without_both_values():
    assert formatting.compare(None, 3, Unit.COUNT, True) is None
    assert formatting.compare(3, None, Unit.COUNT, True) is None


def test_a_change_from_zero_has_no_percentage():
    trend = formatting.compare(5, 0, Unit.COUNT, True)
    assert trend is not None and trend.pct == ""


def test_targets_and_traffic_lights():
    assert formatting.target(0.98, "at_least", Unit.RATIO) == "≥ 98.0 %"
    assert formatting.target(14400, "at_most", Unit.SECONDS) == "≤ 4 h"
    assert formatting.target(None, None, Unit.RATIO) == ""
    assert formatting.light("met")[0] == "text-bg-success"
    assert formatting.light("missed")[0] == "text-bg-danger"
    assert formatting.light(None)[0] == "text-bg-secondary"
