"""Every number of the exported report equals the metrics API (issue 11, "Correctness").

A month of tickets made with the factories; the draft built for the organisation and for one
customer; the draft exported to Word, PDF and Excel. Then, reading the files back (python-docx,
pypdf's text, openpyxl), each figure a table prints and each number a narrative says is
checked against ``GET /api/metrics/`` (a manager's bearer token) for the same month and scope,
formatted the way the report formats numbers (``reports.formatting``):

- DOCX: every table cell that shows a figure prints the API's number, formatted;
- PDF: every such table row reads, in order, the same texts (the extracted text, whitespace
  aside), and so does every narrative;
- XLSX: every such cell holds the API's number itself (a number, not text);
- narratives: each token renders the API's number, and the paragraph has no number outside a
  token. The derived counts (``report.targets_met``/``targets_missed``) are recounted from the
  API's statuses; the other derived counts (anomalies, actions) count the report's own lists,
  not metrics, and are checked for printing what the document says.

The document tells where each figure sits (which table, row and column, which token); the
values come from the API, the texts from the files.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import docx
import openpyxl
import pypdf
import pytest
import time_machine
from django.test import Client

from opsbook.accounts.services import do_create_api_token
from opsbook.catalog.testing import make_category, make_item
from opsbook.metrics.models import Target
from opsbook.metrics.tests.helpers import at, ticket
from opsbook.reports import drafting, formatting, narrative
from opsbook.reports.defaults import create_customer_template, ensure_default_template
from opsbook.reports.export import export

NOW = datetime(2026, 12, 2, 2, tzinfo=UTC)
MONTH = "2026-11"
DIMENSIONS = ("category", "item", "content", "channel", "type", "priority", "team", "owner")

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def tickets(personas):
    """November 2026, October 2026 and November 2025: tickets of two customers on two items,
    three channels, some responded late, some resolved."""
    acme, beta = personas.customer_a, personas.customer_b
    network = make_item(name="网络故障", category=make_category(name="网络"))
    accounts = make_item(name="账号问题", category=make_category(name="账号"))
    channels = ("phone", "web", "wechat")
    for year, month_, count in ((2026, 11, 14), (2026, 10, 9), (2025, 11, 4), (2026, 9, 6)):
        for i in range(count):
            created = at(year, month_, 2 + i, 9 + i % 6)
            late = i % 3 == 0
            resolved = i % 4 != 3
            history = [(at(year, month_, 3 + i, 10), "resolved")] if resolved else []
            ticket(
                created, *history,
                customer=acme if i % 2 else beta,
                item=network if i % 5 < 3 else accounts,
                channel=channels[i % 3],
                first_response_at=at(year, month_, 2 + i, 10 + i % 6),
                response_due_at=at(year, month_, 2 + i, 9 + i % 6, 30 if late else 0)
                if late else at(year, month_, 2 + i, 12 + i % 6),
                response_breached=late,
                resolved_at=history[0][0] if resolved else None,
            )  # fmt: skip
    # Targets: one missed (overall response), one met (by phone), one "at most".
    Target.objects.create(metric="sla.response.met_rate", value=Decimal("0.95"))
    Target.objects.create(
        metric="sla.response.met_rate", dimension="channel", code="phone", value=Decimal("0.5")
    )
    Target.objects.create(metric="tickets.backlog", value=Decimal("50"), direction="at_most")
    return {"acme": acme}


class Truth:
    """The metrics API's figures for the month, by ref (a metric key plus a scope)."""

    def __init__(self, user, base_scope: dict[str, str]) -> None:
        _token, raw = do_create_api_token(user)
        self.client = Client(headers={"Authorization": f"Bearer {raw}", "Accept-Language": "en"})
        self.base = dict(base_scope)
        self.cache: dict[tuple, dict[str, Any]] = {}

    def metrics(self, scope: dict[str, str]) -> dict[str, Any]:
        key = tuple(sorted(scope.items()))
        if key not in self.cache:
            response = self.client.get("/api/metrics/", {"period": MONTH, **scope})
            assert response.status_code == 200, (scope, response.content)
            self.cache[key] = response.json()["metrics"]
        return self.cache[key]

    def figure(self, ref: str) -> dict[str, Any]:
        key, _at, extra = ref.partition("@")
        scope = dict(self.base)
        for pair in filter(None, extra.split(",")):
            dimension, _eq, code = pair.partition("=")
            assert dimension in DIMENSIONS or dimension == "customer", ref
            scope[dimension] = code
        figures = self.metrics(scope)
        assert key in figures, f"{ref}: not in the metrics API"
        return figures[key]

    def display(self, ref: str, part: str) -> str:
        f = self.figure(ref)
        shown = formatting.display(
            unit=f["unit"],
            value_=f["value"],
            previous=f["previous"],
            change_=f["change"],
            change_pct_=f["change_pct"],
            last_year=f["last_year"],
            target=f["target"],
        )
        return shown[part]

    def number(self, ref: str, part: str) -> float | None:
        return self.figure(ref)[part]


def _derived(document, truth: Truth) -> dict[str, str]:
    """The derived counts recounted from the API where they are counts of metrics' statuses."""
    own = [
        r
        for r in document["figures"]
        if "@" not in r and not r.startswith(narrative.DERIVED_PREFIX)
    ]
    statuses = [truth.figure(r)["status"] for r in own]
    return {
        "report.targets_met": formatting.value(statuses.count("met"), "count"),
        "report.targets_missed": formatting.value(statuses.count("missed"), "count"),
    }


def expected_text(ref: str, part: str, document, truth: Truth, derived: dict[str, str]) -> str:
    if ref.startswith(narrative.DERIVED_PREFIX):
        if ref in derived and part == "value":
            return derived[ref]
        return document["figures"][ref]["display"][part]
    return truth.display(ref, part)


def table_blocks(document) -> list[tuple[int, dict[str, Any]]]:
    return [
        (number, block)
        for number, section in enumerate(document["sections"], start=1)
        for block in section["blocks"]
        if block["kind"] == "table"
    ]


def figure_cells(document):
    """(table index, row, column, ref, part) of every cell that shows a figure."""
    for t, (_number, block) in enumerate(table_blocks(document)):
        for r, row in enumerate(block["table"]["rows"]):
            for c, cell in enumerate(row):
                if cell.get("ref"):
                    yield t, r, c, cell["ref"], cell["part"]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def build(template, personas):
    report = drafting.do_create_report(template, MONTH, actor=None, now=NOW)
    document = report.document
    truth = Truth(personas.mia, template.scope())
    return document, truth


@pytest.mark.parametrize("scope", ["organisation", "customer"])
def test_every_number_of_the_exports_equals_the_metrics_api(tickets, personas, scope):
    if scope == "organisation":
        template = ensure_default_template(now=NOW)
    else:
        template = create_customer_template(tickets["acme"], actor=None, now=NOW)
    document, truth = build(template, personas)
    assert document["scope"] == truth.base
    assert truth.figure("tickets.created")["value"] == (14 if scope == "organisation" else 7)
    files = {fmt: export(document, fmt).content for fmt in ("docx", "pdf", "xlsx")}
    derived = _derived(document, truth)
    assert check_word(document, truth, derived, files["docx"]) > 10
    assert check_pdf(document, truth, derived, files["pdf"]) > 3
    assert check_workbook(document, truth, files["xlsx"]) > 10
    assert check_narratives(document, truth, derived, files) >= 3


def test_the_checks_catch_a_number_that_differs_from_the_metrics_api(tickets, personas):
    document, truth = build(ensure_default_template(now=NOW), personas)
    derived = _derived(document, truth)
    t, r, c, _ref, _part = next(figure_cells(document))
    block = table_blocks(document)[t][1]
    block["table"]["rows"][r][c]["text"] += "0"
    with pytest.raises(AssertionError):
        check_word(document, truth, derived, export(document, "docx").content)


def check_word(document, truth: Truth, derived, content: bytes) -> int:
    """Every table cell that shows a figure prints the API's number, formatted."""
    word = docx.Document(io.BytesIO(content))
    blocks = table_blocks(document)
    tables = word.tables[: len(blocks)]
    assert len(tables) == len(blocks)
    for table, (_n, block) in zip(tables, blocks, strict=True):
        header = [c.text for c in table.rows[0].cells]
        labels = [c["label"] for c in block["table"]["columns"]]
        assert [h[: len(lab)] for h, lab in zip(header, labels, strict=True)] == labels
        assert len(table.rows) == len(block["table"]["rows"]) + 1
    checked = 0
    for t, r, c, ref, part in figure_cells(document):
        printed = tables[t].rows[r + 1].cells[c].text
        assert printed == expected_text(ref, part, document, truth, derived), (ref, part)
        checked += 1
    return checked


def _pdf_text(content: bytes) -> str:
    return _squash(
        "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)
    )


def check_pdf(document, truth: Truth, derived, content: bytes) -> int:
    """Every table row that shows a figure reads, in order, the API's numbers formatted."""
    text = _pdf_text(content)
    rows = 0
    for _n, block in table_blocks(document):
        for row in block["table"]["rows"]:
            if not any(cell.get("ref") for cell in row):
                continue
            expected = "".join(
                expected_text(cell["ref"], cell["part"], document, truth, derived)
                if cell.get("ref")
                else cell["text"]
                for cell in row
            )
            assert _squash(expected) in text, expected
            rows += 1
    return rows


def check_workbook(document, truth: Truth, content: bytes) -> int:
    """Every cell that shows a figure holds the API's number (a number, not text)."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheets = book.worksheets[1:]  # the cover first, then a sheet per section
    assert len(sheets) == len(document["sections"])
    checked = 0
    for number, section in enumerate(document["sections"], start=1):
        values = [list(row) for row in sheets[number - 1].iter_rows(values_only=True)]
        at = 0
        for block in section["blocks"]:
            if block["kind"] != "table":
                continue
            labels = [c["label"] for c in block["table"]["columns"]]
            while list(values[at][: len(labels)]) != labels:
                at += 1
            for r, row in enumerate(block["table"]["rows"], start=at + 1):
                for c, cell in enumerate(row):
                    ref = cell.get("ref")
                    if not ref:
                        continue
                    written = values[r][c]
                    if ref.startswith(narrative.DERIVED_PREFIX):
                        want = cell["value"]
                    else:
                        want = truth.number(ref, cell["part"])
                    if want is None:
                        assert written in (None, "—"), (ref, cell["part"], written)
                    else:
                        assert isinstance(written, int | float), (ref, written)
                        assert written == pytest.approx(want, abs=1e-9), (ref, cell["part"])
                    checked += 1
            at += len(block["table"]["rows"]) + 1
    return checked


def check_narratives(document, truth: Truth, derived, files: dict[str, bytes]) -> int:
    """Each narrative, its tokens rendered from the API, is in all three files; it says no
    number of its own (dates and codes aside)."""
    word_paragraphs = {p.text for p in docx.Document(io.BytesIO(files["docx"])).paragraphs}
    pdf = _pdf_text(files["pdf"])
    book = openpyxl.load_workbook(io.BytesIO(files["xlsx"]))
    xlsx_texts = {
        str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row if v
    }
    narrated = tokens = 0
    for section in document["sections"]:
        story = section["narrative"]
        if not story:
            continue
        source = story["source"]
        assert narrative.numbers(narrative.TOKEN.sub("", source)) == [], source
        tokens += len(narrative.tokens(source))
        expected = narrative.TOKEN.sub(
            lambda m: expected_text(m.group(1), m.group(2), document, truth, derived), source
        )
        for line in filter(None, (x.strip() for x in expected.splitlines())):
            assert line in word_paragraphs, line
            assert _squash(line) in pdf, line
            assert line in xlsx_texts, line
        narrated += 1
    assert tokens >= 5
    return narrated
