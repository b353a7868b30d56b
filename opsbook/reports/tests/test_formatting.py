"""How a report prints its figures, in Chinese (the default) and English."""

import pytest

from opsbook.reports import formatting as f


@pytest.mark.parametrize(
    ("number", "unit", "zh", "en"),
    [
        (1234, "count", "1,234", "1,234"),
        (1234567.0, "count", "1,234,567", "1,234,567"),
        (0.952, "ratio", "95.2%", "95.2%"),
        (1.0, "ratio", "100.0%", "100.0%"),
        (8100, "seconds", "2小时15分", "2 h 15 min"),
        (7200, "seconds", "2小时", "2 h"),
        (720, "seconds", "12分", "12 min"),
        (45, "seconds", "45秒", "45 s"),
        (4.62, "score", "4.62", "4.62"),
        (35, "nps", "+35", "+35"),
        (None, "count", "—", "—"),
        (None, "ratio", "—", "—"),
    ],
)
def test_values(number, unit, zh, en):
    assert f.value(number, unit) == zh
    assert f.value(number, unit, "en") == en


@pytest.mark.parametrize(
    ("delta", "unit", "zh", "en"),
    [
        (134, "count", "+134", "+134"),
        (-1200, "count", "-1,200", "-1,200"),
        (0, "count", "0", "0"),
        (-0.009, "ratio", "-0.9 个百分点", "-0.9 pp"),
        (0.05, "ratio", "+5.0 个百分点", "+5.0 pp"),
        (0.00001, "ratio", "0.0 个百分点", "0.0 pp"),
        (900, "seconds", "+15分", "+15 min"),
        (-8100, "seconds", "-2小时15分", "-2 h 15 min"),
        (0.07, "score", "+0.07", "+0.07"),
        (None, "ratio", "—", "—"),
    ],
)
def test_changes(delta, unit, zh, en):
    assert f.change(delta, unit) == zh
    assert f.change(delta, unit, "en") == en


def test_change_pct_and_display():
    assert f.change_pct(0.1218) == "+12.2%"
    assert f.change_pct(-0.009) == "-0.9%"
    assert f.change_pct(None) == "—"
    assert f.display(
        unit="ratio", value_=0.952, previous=0.961, change_=0.952 - 0.961,
        change_pct_=(0.952 - 0.961) / 0.961, last_year=0.93, target=0.95,
    ) == {
        "value": "95.2%", "previous": "96.1%", "change": "-0.9 个百分点",
        "change_pct": "-0.9%", "last_year": "93.0%", "target": "95.0%",
    }  # fmt: skip


def test_labels():
    assert f.month_label(2026, 11) == "2026年11月"
    assert f.month_label(2026, 11, "en") == "November 2026"
    assert f.status("met") == "达标" and f.status("missed", "en") == "Missed"
    assert f.status(None) == "—"
