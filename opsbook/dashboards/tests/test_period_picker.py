"""The period picker: the current month in the organisation's zone by default, earlier months,
quarters, years and a custom range; anything unreadable falls back with a message."""

from datetime import UTC, date, datetime

from django.http import QueryDict

from opsbook.dashboards import picker

# 2026-11-30 17:00 UTC is already 1 December in Shanghai.
LATE_EVENING = datetime(2026, 11, 30, 17, 0, tzinfo=UTC)


def pick(query: str):
    return picker.pick(QueryDict(query), LATE_EVENING)


def test_the_default_is_the_current_month_in_the_organisations_zone():
    picked = pick("")
    assert picked.period.code == "2026-12"
    assert picked.error == ""
    assert picked.months[0].code == "2026-12" and picked.months[0].selected
    assert picked.months[1].code == "2026-11"
    assert len(picked.months) == picker.MONTHS_OFFERED


def test_it_reads_an_earlier_month_a_quarter_and_a_year():
    assert pick("period=2026-10").period.code == "2026-10"
    quarter = pick("period=2026-Q3")
    assert quarter.period.code == "2026-Q3" and quarter.label == "2026 Q3"
    assert any(c.selected and c.code == "2026-Q3" for c in quarter.quarters)
    assert pick("period=2025").period.code == "2025"


def test_a_custom_range_includes_both_days():
    picked = pick("from=2026-11-01&to=2026-11-15")
    assert picked.is_range
    assert (picked.period.start, picked.period.end) == (date(2026, 11, 1), date(2026, 11, 16))
    assert (picked.range_from, picked.range_to) == ("2026-11-01", "2026-11-15")


def test_unreadable_input_falls_back_to_the_current_month_with_a_message():
    for query in (
        "period=2026-13",
        "period=<script>",
        "from=2026-11-15&to=2026-11-01",
        "from=x&to=y",
    ):
        picked = pick(query)
        assert picked.period.code == "2026-12", query
        assert picked.error, query


def test_a_range_longer_than_three_years_is_refused():
    picked = pick("from=2020-01-01&to=2026-01-01")
    assert picked.period.code == "2026-12" and picked.error
