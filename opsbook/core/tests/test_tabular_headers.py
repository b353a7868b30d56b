"""Header matching, one rule for every import; cached parsers; the paused collector."""

import gc

import pytest

from opsbook.core.tabular.cells import CellError, cached, cell_text
from opsbook.core.tabular.headers import Column, Headers, find_header
from opsbook.core.tabular.pipeline import paused_gc
from opsbook.core.tabular.xlsx import neutralise

HEADERS = Headers(
    (
        Column("date", "日期", "Date", ("day",), required=True),
        Column("name", "名称", "Name"),
        Column("row", "序号", "No.", ignored=True),
    )
)


@pytest.mark.parametrize(
    "label",
    [
        "日期",
        "Date",
        " DATE ",
        "日期（必填）",
        "日期*",
        "*日期",
        "日期 (date)",
        "日期/date",
        "Ｄａｔｅ",
    ],
)
def test_a_header_is_matched_in_every_usual_spelling(label):
    assert HEADERS.match(label) is HEADERS.by_key["date"]


def test_an_unknown_header_is_none():
    assert HEADERS.match("颜色") is None


def test_two_columns_cannot_claim_one_header():
    with pytest.raises(ValueError, match="claimed by two columns"):
        Headers((Column("a", "名称", "A"), Column("b", "名称", "B")))


def test_the_header_row_is_the_first_naming_every_required_column():
    rows = [(1, ["Opsbook export"]), (2, ["序号", "名称", "日期", "颜色", "Name"]), (3, ["1"])]

    header = find_header(rows, HEADERS, cell_text)

    assert (header.row, header.index) == (2, 1)
    assert [(i, c.key, label) for i, c, label in header.found] == [
        (0, "row", "序号"),
        (1, "name", "名称"),
        (2, "date", "日期"),
    ]
    assert header.columns() == {"name": (1, "名称"), "date": (2, "日期")}
    assert header.unknown == [(3, "颜色")]
    assert [(i, label, first) for i, label, _c, first in header.twice] == [(4, "Name", "名称")]
    assert header.missing == []


def test_a_missing_required_column_is_reported():
    header = find_header([(1, ["名称"])], HEADERS, cell_text)

    assert [c.key for c in header.missing] == ["date"]


def test_formula_text_round_trips_through_the_apostrophe():
    for text in ("=1+1", "'=1", "+86 10", "@x", "plain", "'plain"):
        assert cell_text(neutralise(text)) == text
    assert neutralise("=1+1") == "'=1+1"


def test_a_cached_parser_remembers_results_and_errors():
    calls = []

    def parse(raw):
        calls.append(raw)
        if raw == "bad":
            raise CellError("no")
        return raw.upper()

    read = cached(parse)
    assert [read("a"), read("a")] == ["A", "A"]
    for _ in range(2):
        with pytest.raises(CellError, match="no"):
            read("bad")
    assert calls == ["a", "bad"]


def test_the_collector_is_paused_during_imports_and_restored_after():
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
