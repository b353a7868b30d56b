"""Importing and exporting the checklist over the API."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from opsbook.audit.models import AuditEntry
from opsbook.catalog.models import ServiceItem
from opsbook.catalog.testing import make_category

from .api_helpers import api_as, error_fields, item_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

GOOD_CSV = (
    "一级分类,二级分类,服务项目,服务频率\n"
    "客户服务,热线,热线电话服务,工作日每天\n"
    "客户服务,热线,投诉处理,按需\n"
)
BAD_CSV = "一级分类,服务项目,服务频率\n客户服务,热线电话服务,偶尔吧\n"


def csv_file(text: str, name: str = "清单.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_a_manager_imports_a_file_and_gets_the_report(personas):
    response = api_as(personas.mia).upload("/catalog/import", {"file": csv_file(GOOD_CSV)})
    assert response.status_code == 200, response.content
    report = response.json()
    assert report["ok"] is True
    assert report["dry_run"] is False
    assert report["problems"] == []
    assert report["summary"]["items"]["created"] == 2
    assert set(ServiceItem.objects.values_list("name", flat=True)) == {"热线电话服务", "投诉处理"}
    assert set(
        AuditEntry.objects.filter(object_type="catalog.serviceitem").values_list(
            "source", flat=True
        )
    ) == {"api"}


@pytest.mark.parametrize("how", ["form", "query"])
def test_a_dry_run_reports_without_writing(personas, how):
    api = api_as(personas.mia)
    if how == "form":
        response = api.upload("/catalog/import", {"file": csv_file(GOOD_CSV)}, {"dry_run": "true"})
    else:
        response = api.upload("/catalog/import?dry_run=true", {"file": csv_file(GOOD_CSV)})
    assert response.status_code == 200
    report = response.json()
    assert (report["ok"], report["dry_run"]) == (True, True)
    assert not ServiceItem.objects.exists()


def test_a_file_with_problems_is_a_422_listing_them_and_nothing_is_written(personas):
    response = api_as(personas.mia).upload("/catalog/import", {"file": csv_file(BAD_CSV)})
    assert response.status_code == 422
    report = response.json()
    assert report["ok"] is False
    [problem] = report["problems"]
    assert problem["row"] == 2
    assert problem["column"] == "服务频率"
    assert "偶尔吧" in problem["message"]
    assert not ServiceItem.objects.exists()


def test_a_file_that_is_not_a_spreadsheet_is_a_422_with_the_reason(personas):
    upload = SimpleUploadedFile("notes.pdf", b"%PDF-1.7 not a sheet")
    response = api_as(personas.mia).upload("/catalog/import", {"file": upload})
    assert response.status_code == 422
    assert response.json()["problems"][0]["message"]


def test_an_upload_without_a_file_is_a_422_on_file(personas):
    response = api_as(personas.mia).upload("/catalog/import", {}, {"dry_run": "1"})
    assert error_fields(response) == {"file"}


def test_a_body_far_over_the_limit_is_refused_from_its_length(personas, settings):
    settings.IMPORT_MAX_BYTES = 1024
    big = csv_file(GOOD_CSV + "x" * 200_000)
    response = api_as(personas.mia).upload("/catalog/import", {"file": big})
    assert response.status_code == 413
    assert "MB" in response.json()["detail"]
    assert not ServiceItem.objects.exists()


def test_a_file_just_over_the_limit_is_refused_too(personas, settings):
    settings.IMPORT_MAX_BYTES = 1024
    response = api_as(personas.mia).upload("/catalog/import", {"file": csv_file("x" * 2000)})
    assert response.status_code == 413


@pytest.mark.parametrize("name", ["alice", "vera", "dana"])
def test_only_managers_and_admins_import(personas, name):
    response = api_as(getattr(personas, name)).upload(
        "/catalog/import", {"file": csv_file(GOOD_CSV)}
    )
    assert response.status_code == 403
    assert not ServiceItem.objects.exists()


def test_an_admin_imports_too(personas):
    response = api_as(personas.erin).upload("/catalog/import", {"file": csv_file(GOOD_CSV)})
    assert response.status_code == 200


def test_importing_without_a_token_is_401(personas, client):
    response = client.post("/api/catalog/import", {"file": csv_file(GOOD_CSV)})
    assert response.status_code == 401


def read_names(data: bytes) -> list[str]:
    """The 服务项目 column of the first sheet."""
    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    column = list(rows[0]).index("服务项目")
    return [row[column] for row in rows[1:] if row[column]]


def test_any_staff_member_exports_the_checklist_as_an_xlsx_attachment(personas):
    item_for(personas.alice, code="SVC-1", name="热线电话服务")
    response = api_as(personas.vera).get("/catalog/export")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith('attachment; filename="opsbook-checklist-')
    assert response["X-Content-Type-Options"] == "nosniff"
    assert read_names(response.content) == ["热线电话服务"]


def test_export_takes_the_item_filters(personas):
    item_for(code="SVC-1", name="热线电话服务", category=make_category("客户服务"))
    item_for(code="SVC-2", name="机房巡检", category=make_category("技术支持"))
    api = api_as(personas.vera)
    category = make_category("技术支持")
    assert read_names(api.get("/catalog/export", category=category.pk).content) == ["机房巡检"]
    assert read_names(api.get("/catalog/export", q="热线").content) == ["热线电话服务"]


def test_an_exported_file_imports_back_without_changes(personas):
    item_for(personas.alice, code="SVC-1", name="热线电话服务", frequency_text="工作日每天")
    api = api_as(personas.mia)
    exported = api.get("/catalog/export").content
    upload = SimpleUploadedFile("export.xlsx", exported, content_type=XLSX)
    response = api.upload("/catalog/import", {"file": upload}, {"dry_run": "true"})
    assert response.status_code == 200, response.content
    assert response.json()["summary"]["items"] == {"created": 0, "updated": 0, "unchanged": 1}


def test_the_import_template_downloads(personas):
    response = api_as(personas.alice).get("/catalog/template")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "template" in response["Content-Disposition"]
    header = next(openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0].values)
    assert "服务项目" in header


@pytest.mark.parametrize("path", ["/catalog/export", "/catalog/template"])
def test_customer_contacts_cannot_export(personas, path):
    assert api_as(personas.dana).get(path).status_code == 403
