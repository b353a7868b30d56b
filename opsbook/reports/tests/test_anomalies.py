"""Anomalies by median ± k·MAD of the trailing months: a stated range, no noise."""

from opsbook.reports.anomalies import judge


def test_a_value_outside_the_range_is_flagged_with_the_range():
    history = [100, 104, 98, 101, 99, 103, 97, 102, 100, 101, 99, 100]
    verdict = judge(160, history, unit="count")
    assert verdict.anomaly and verdict.direction == "high"
    assert verdict.median == 100
    # MAD = 1 → 3 × 1.4826 × 1 ≈ 4.4, but the floor for counts is max(5, 5 % of 100) = 5.
    assert (verdict.low, verdict.high) == (95, 105)
    assert not judge(104, history, unit="count").anomaly
    low = judge(60, history, unit="count")
    assert low.anomaly and low.direction == "low"


def test_one_odd_month_in_the_history_does_not_widen_the_range():
    history = [0.95, 0.96, 0.95, 0.94, 0.95, 0.96, 0.40, 0.95, 0.96, 0.95, 0.94, 0.95]
    verdict = judge(0.90, history, unit="ratio")
    assert verdict.anomaly  # a standard deviation would have absorbed 0.40
    assert verdict.median is not None and round(verdict.median, 3) == 0.95


def test_a_flat_series_does_not_flag_noise():
    flat = [10] * 12
    assert not judge(12, flat, unit="count").anomaly  # within the floor of 5
    assert judge(20, flat, unit="count").anomaly
    assert not judge(0.955, [0.95] * 12, unit="ratio").anomaly  # under 1 percentage point


def test_too_little_history_or_no_value_is_not_judged():
    assert not judge(500, [10, 11, 9, 10, 10], unit="count").anomaly  # 5 months < 6
    assert not judge(500, [10, None, 11, None, 9, 10, None, 10], unit="count").anomaly
    assert not judge(None, [10] * 12, unit="count").anomaly
    # Only the last 12 months count.
    assert judge(50, [1000] * 6 + [10] * 12, unit="count").median == 10


def test_k_is_the_width():
    history = [100, 110, 90, 105, 95, 100, 108, 92, 100, 103, 97, 100]
    # MAD = 4: k = 3 gives 100 ± 17.8, k = 2 gives 100 ± 11.9.
    assert judge(115, history, unit="count", k=3).anomaly is False
    assert judge(115, history, unit="count", k=2).anomaly is True
