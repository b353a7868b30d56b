"""Importing manual metric values from a workbook: all or nothing, each problem named by sheet,
row and column, safe to import again, the upload's size limited before it is read."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from opsbook.audit.models import AuditEntry
from opsbook.metrics.manual_excel import import_values, write_template
from opsbook.metrics.models import ManualValue
from opsbook.metrics.registry import Unit

from .manual_fakes import make_manual, xlsx

HEAD = ["指标代码", "期间", "数值", "来源"]


@pytest.fixture
def metrics(db):
    return {
        "signups": make_manual("signups"),
        "conversion": make_manual("conversion", unit=Unit.RATIO),
        "nps": make_manual("nps", unit=Unit.NPS, period_kind="quarter"),
    }


def test_a_good_file_is_imported_with_who_and_where_from(metrics, personas):
    data = xlsx(
        [
            HEAD,
            ["signups", "2026-10", 1200, "CRM"],
            ["signups", "2026-11", "1,350", "CRM"],
            ["conversion", "2026-11", "12.5%", "BI"],
            ["conversion", "2026-10", 0.118, "BI"],
            ["manual.nps", "2026-Q4", 41, "调研"],
        ]
    )
    report = import_values(data, "values.xlsx", actor=personas.mia)
    assert report.ok, report.problems
    assert report.summary == {"created": 5, "updated": 0, "unchanged": 0}
    stored = {
        (v.metric.code, v.period_start): v.value
        for v in ManualValue.objects.select_related("metric")
    }
    assert stored == {
        ("signups", date(2026, 10, 1)): Decimal("1200"),
        ("signups", date(2026, 11, 1)): Decimal("1350"),
        ("conversion", date(2026, 11, 1)): Decimal("0.125"),
        ("conversion", date(2026, 10, 1)): Decimal("0.118"),
        ("nps", date(2026, 10, 1)): Decimal("41"),
    }
    assert set(ManualValue.objects.values_list("entered_by__username", flat=True)) == {"mia"}
    assert AuditEntry.objects.filter(source="import", action="create").count() == 5


def test_importing_again_is_safe_and_replaces_changed_values(metrics, personas):
    data = xlsx([HEAD, ["signups", "2026-11", 10, "CRM"], ["signups", "2026-10", 9, "CRM"]])
    assert import_values(data, "a.xlsx", actor=personas.mia).ok
    again = import_values(data, "a.xlsx", actor=personas.mia)
    assert again.ok and again.summary == {"created": 0, "updated": 0, "unchanged": 2}
    changed = xlsx([HEAD, ["signups", "2026-11", 11, "CRM v2"]])
    report = import_values(changed, "b.xlsx", actor=personas.mia)
    assert report.summary == {"created": 0, "updated": 1, "unchanged": 0}
    assert ManualValue.objects.count() == 2
    assert ManualValue.objects.get(period_start=date(2026, 11, 1)).value == 11
    assert AuditEntry.objects.filter(action="update", source="import").count() == 1


def test_bad_rows_are_named_by_sheet_row_and_column_and_nothing_is_written(metrics, personas):
    data = xlsx(
        [
            ["Metric code", "Period", "Value", "Source"],
            ["signups", "2026-11", 10, "CRM"],
            ["unknown", "2026-11", 10, "CRM"],
            ["signups", "2026-Q4", 10, "CRM"],
            ["conversion", "2026-11", 12.5, "BI"],
            ["signups", "2026-10", "abc", "CRM"],
            ["signups", "2026-09", 5, ""],
            ["signups", "2026-11", 11, "CRM"],
        ],
        sheet="values",
    )
    report = import_values(data, "bad.xlsx", actor=personas.mia)
    assert not report.ok
    found = {(p.sheet, p.row, p.column) for p in report.problems}
    assert found == {
        ("values", 3, "Metric code"),
        ("values", 4, "Period"),
        ("values", 5, "Value"),
        ("values", 6, "Value"),
        ("values", 7, "Source"),
        ("values", 8, "Period"),
    }
    messages = {p.row: p.message for p in report.problems}
    assert "unknown" in messages[3]
    assert "2026-11" in messages[4]  # the form a monthly period takes
    assert "98.5%" in messages[5]
    assert "row 2" in messages[8]
    assert str(report.problems[0]) == "values!R3 C(Metric code): " + messages[3]
    assert not ManualValue.objects.exists()
    assert not AuditEntry.objects.filter(source="import").exists()


def test_a_missing_column_is_named(metrics, personas):
    report = import_values(
        xlsx([["指标代码", "期间", "数值"], ["signups", "2026-11", 1]]),
        "x.xlsx",
        actor=personas.mia,
    )
    assert not report.ok
    assert [p.column for p in report.problems] == ["来源 / Source"]


def test_a_date_excel_made_of_a_month_is_read_as_that_month(metrics, personas):
    data = xlsx(
        [HEAD, ["signups", date(2026, 11, 1), 10, "CRM"], ["signups", date(2026, 10, 15), 1, "CRM"]]
    )
    report = import_values(data, "x.xlsx", actor=personas.mia)
    assert [(p.row, p.column) for p in report.problems] == [(3, "期间")]
    data = xlsx([HEAD, ["signups", date(2026, 11, 1), 10, "CRM"], ["nps", 2026.0, 1, "x"]])
    report = import_values(data, "x.xlsx", actor=personas.mia)
    assert [(p.row, p.column) for p in report.problems] == [(3, "期间")]  # 2026 is a year


def test_not_a_workbook_is_refused(metrics, personas):
    report = import_values(b"not a zip", "x.xlsx", actor=personas.mia)
    assert not report.ok and report.problems[0].row is None


def test_only_managers_import(metrics, personas):
    with pytest.raises(PermissionDenied):
        import_values(xlsx([HEAD]), "x.xlsx", actor=personas.alice)


def test_the_template_round_trips_and_lists_the_metrics(metrics, personas):
    data = write_template()
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["指标数值", "说明"]
    assert [c.value for c in book["指标数值"][1]] == [
        "指标代码/Metric code",
        "期间/Period",
        "数值/Value",
        "来源/Source",
    ]
    listed = [row[0] for row in book["说明"].iter_rows(values_only=True)]
    assert "signups" in listed and "nps" in listed
    sheet = book["指标数值"]
    sheet.append(["signups", "2026-11", 3, "CRM"])
    out = io.BytesIO()
    book.save(out)
    report = import_values(out.getvalue(), "t.xlsx", actor=personas.mia)
    assert report.ok, report.problems


def test_the_template_is_formula_safe(db, personas):
    make_manual("evil", name="=1+2")
    book = openpyxl.load_workbook(io.BytesIO(write_template()))
    names = [row[1] for row in book["说明"].iter_rows(values_only=True)]
    assert "'=1+2" in names


def test_the_import_page_lists_problems_and_writes_nothing(client, metrics, personas):
    client.force_login(personas.mia)
    upload = SimpleUploadedFile("v.xlsx", xlsx([HEAD, ["signups", "2026-11", "x", "CRM"]]))
    response = client.post(reverse("metrics:manual_import"), {"file": upload})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="import-problems"' in page and "指标数值" in page and "数值" in page
    assert not ManualValue.objects.exists()
    upload = SimpleUploadedFile("v.xlsx", xlsx([HEAD, ["signups", "2026-11", 5, "CRM"]]))
    response = client.post(reverse("metrics:manual_import"), {"file": upload})
    assert response.status_code == 302
    assert ManualValue.objects.get().value == 5


def test_a_too_large_upload_is_refused_before_it_is_read(client, metrics, personas, settings):
    settings.IMPORT_MAX_BYTES = 1024
    client.force_login(personas.mia)
    upload = SimpleUploadedFile("v.xlsx", b"x" * 4096)
    response = client.post(reverse("metrics:manual_import"), {"file": upload})
    assert response.status_code == 200
    assert "4.0" in response.content.decode()  # the file's size against the limit
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    upload = SimpleUploadedFile("v.xlsx", b"x" * 300_000)
    response = client.post(reverse("metrics:manual_import"), {"file": upload})
    assert response.status_code == 413  # refused from the declared length, before reading
    assert not ManualValue.objects.exists()


def test_the_template_downloads(client, personas, db):
    client.force_login(personas.vera)
    response = client.get(reverse("metrics:manual_template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
