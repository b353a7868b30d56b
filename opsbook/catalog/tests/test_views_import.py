"""The import wizard: upload, dry run with every problem shown, confirm; and the downloads."""

import io
import os
import re
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from opsbook.catalog.models import ServiceContent, ServiceItem
from opsbook.catalog.testing import make_item
from opsbook.catalog.views.spreadsheets import STAGED

IMPORT = reverse("catalog:import")
PREVIEW = reverse("catalog:import_preview")
CONFIRM = reverse("catalog:import_confirm")
CANCEL = reverse("catalog:import_cancel")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

HEADER = (
    "一级分类,二级分类,项目编号,服务项目,服务层级,项目负责人,服务内容,服务频率,开始时间,结束时间"
)
GOOD = "\n".join(
    [
        HEADER,
        "客户服务,热线,HOT-1,热线电话服务,基础,张三,接听来电,每日,2026-01-01,2026-12-31",
        "客户服务,热线,HOT-1,热线电话服务,基础,张三,回访,每周两次,,",
        "现场服务,,VISIT-1,上门巡检,高级,客服部,季度巡检,每季度,,",
    ]
)
BAD = "\n".join(
    [
        HEADER,
        "客户服务,热线,HOT-1,热线电话服务,基础,张三,接听来电,每当月亮升起,2026-01-01,2026-12-31",
        "客户服务,热线,HOT-2,投诉处理,基础,张三,受理投诉,每日,2026-05-01,2026-04-01",
    ]
)


@pytest.fixture
def client():
    """A browser asking for English, so assertions read the msgids whatever is translated."""
    return Client(headers={"Accept-Language": "en"})


@pytest.fixture
def imports(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path / "imports"


@pytest.fixture
def manager(client, personas):
    assert personas.alice.label == "张三"  # an owner the file names
    assert personas.support_team.name == "客服部"  # and a team
    client.force_login(personas.mia)
    return client


def confirm(client, token: str | None = None):
    """Press the preview's confirm button, which names the upload it previewed."""
    if token is None:
        token = client.session[STAGED.session_key]["token"]
    return client.post(CONFIRM, {"upload": token})


def csv_file(text: str, name: str = "清单.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_the_happy_path_checks_first_then_imports_on_confirmation(manager, imports):
    response = manager.post(IMPORT, {"file": csv_file(GOOD)})
    assert response.status_code == 302 and response.url == PREVIEW

    preview = manager.get(PREVIEW)

    assert preview.status_code == 200
    assert ServiceItem.objects.count() == 0  # the dry run wrote nothing
    html = preview.text
    assert 'id="import-problems"' not in html
    assert CONFIRM in html
    start = html.index('id="import-summary"')
    summary = html[start : html.index("</table>", start)]
    assert '<td data-label="Created">2</td>' in summary  # two items
    assert '<td data-label="Created">3</td>' in summary  # three pieces of content
    assert "热线电话服务" in html and "季度巡检" in html  # the parsed rows

    done = confirm(manager)

    assert done.status_code == 200
    assert "清单.csv was imported." in done.text
    assert set(ServiceItem.objects.values_list("code", flat=True)) == {"HOT-1", "VISIT-1"}
    assert ServiceContent.objects.count() == 3
    assert list(imports.iterdir()) == []  # the upload is deleted after the import
    assert manager.get(PREVIEW).status_code == 302  # and the wizard starts over


def test_a_bad_file_lists_each_problem_by_row_and_column_and_writes_nothing(manager, imports):
    manager.post(IMPORT, {"file": csv_file(BAD)})

    html = manager.get(PREVIEW).text

    problems = html[html.index('id="import-problems"') :]
    assert "每当月亮升起" in problems or "frequency" in problems.lower()
    # Each problem's row links to its cell, which is marked in the rows (refused rows first).
    links = re.findall(r'<td data-label="Row"><a href="#(cell-\d+-\d+)">(\d+)</a></td>', problems)
    assert [row for _anchor, row in links] == ["2", "3"]
    assert '<td data-label="Column">服务频率</td>' in problems
    assert '<td data-label="Column">结束时间</td>' in problems
    marked = dict(re.findall(r'<td id="(cell-\d+-\d+)" class="cell-error"[^>]*>([^<]*)</td>', html))
    assert [marked[anchor] for anchor, _row in links] == ["每当月亮升起", "2026-04-01"]
    rows = re.findall(r'<tr id="row-(\d+)" data-status="(\w*)"', html)
    assert rows[:2] == [("2", "refused"), ("3", "refused")]
    assert CONFIRM not in html  # no confirm button

    refused = confirm(manager)  # posting anyway

    assert "Nothing was imported" in refused.text
    assert ServiceItem.objects.count() == 0


def test_an_xlsx_workbook_is_imported_too(manager, imports):
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "服务清单"
    for line in GOOD.splitlines():
        sheet.append(line.split(","))
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("清单.xlsx", buffer.getvalue())

    manager.post(IMPORT, {"file": upload})
    confirm(manager)

    assert ServiceItem.objects.filter(code="VISIT-1", name="上门巡检").exists()


def test_files_other_than_xlsx_and_csv_are_refused(manager, imports):
    response = manager.post(IMPORT, {"file": SimpleUploadedFile("清单.xls", b"\xd0\xcf\x11\xe0")})

    assert response.status_code == 200
    assert "Upload an .xlsx or .csv file." in response.text
    assert not imports.exists() or list(imports.iterdir()) == []


def test_a_file_over_the_size_limit_is_refused(manager, imports, settings):
    settings.IMPORT_MAX_BYTES = 100

    response = manager.post(IMPORT, {"file": csv_file(GOOD)})

    assert response.status_code == 200
    assert "the limit is 100" in response.text
    assert not imports.exists() or list(imports.iterdir()) == []


def test_the_upload_is_kept_privately_under_a_random_name(manager, imports):
    manager.post(IMPORT, {"file": csv_file(GOOD, "../../etc/passwd.csv")})

    (stored,) = imports.iterdir()
    assert "passwd" not in stored.name
    assert stored.parent == imports
    assert stored.stat().st_mode & 0o777 == 0o600
    assert imports.stat().st_mode & 0o077 == 0


def test_an_upload_older_than_an_hour_is_gone(manager, imports):
    manager.post(IMPORT, {"file": csv_file(GOOD)})
    session = manager.session
    session["catalog_import"]["stored_at"] -= 3601
    session.save()

    response = manager.get(PREVIEW, follow=True)

    assert "gone or expired" in response.text
    assert list(imports.iterdir()) == []
    assert manager.post(CONFIRM).status_code == 302
    assert ServiceItem.objects.count() == 0


def test_abandoned_uploads_are_swept_on_the_next_upload(manager, imports):
    imports.mkdir(parents=True)
    old = imports / "abandoned.upload"
    old.write_bytes(b"x")
    an_hour_ago = time.time() - 3700
    os.utime(old, (an_hour_ago, an_hour_ago))

    manager.post(IMPORT, {"file": csv_file(GOOD)})

    assert not old.exists()
    assert len(list(imports.iterdir())) == 1


def test_cancelling_deletes_the_upload(manager, imports):
    manager.post(IMPORT, {"file": csv_file(GOOD)})

    manager.post(CANCEL)

    assert list(imports.iterdir()) == []
    assert ServiceItem.objects.count() == 0


def test_an_upload_is_tied_to_the_user_who_made_it(manager, personas, imports):
    manager.post(IMPORT, {"file": csv_file(GOOD)})
    session = manager.session
    session["catalog_import"]["user_id"] = personas.erin.pk
    session.save()

    assert manager.get(PREVIEW).status_code == 302
    assert manager.post(CONFIRM).status_code == 302
    assert ServiceItem.objects.count() == 0


@pytest.mark.parametrize("name", ["alice", "vera"])
def test_only_managers_and_admins_may_import(client, personas, imports, name):
    client.force_login(getattr(personas, name))

    assert client.get(IMPORT).status_code == 403
    assert client.post(IMPORT, {"file": csv_file(GOOD)}).status_code == 403
    assert client.get(PREVIEW).status_code == 403
    assert client.post(CONFIRM).status_code == 403
    assert not imports.exists()


def test_an_administrator_may_import(client, personas, imports):
    client.force_login(personas.erin)

    assert client.get(IMPORT).status_code == 200


def test_the_export_downloads_the_filtered_items_as_a_dated_workbook(client, personas):
    openpyxl = pytest.importorskip("openpyxl")
    make_item(personas.alice, name="热线电话服务", code="HOT-1")
    make_item(personas.bob, name="上门巡检", code="VISIT-1", tier="advanced")
    client.force_login(personas.vera)

    response = client.get(reverse("catalog:export"), {"tier": "advanced"})

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["X-Content-Type-Options"] == "nosniff"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="opsbook-checklist-{today}.xlsx"'
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    cells = {str(cell.value) for row in sheet.iter_rows() for cell in row}
    assert "VISIT-1" in cells and "HOT-1" not in cells


def test_the_template_downloads_as_a_dated_workbook(client, personas):
    client.force_login(personas.vera)

    response = client.get(reverse("catalog:template"))

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "opsbook-checklist-template-" in response["Content-Disposition"]
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content[:2] == b"PK"


def test_the_tree_links_to_the_export_of_the_current_filter(client, personas):
    client.force_login(personas.vera)

    html = client.get(reverse("catalog:tree"), {"tier": "advanced", "q": "热线"}).text

    assert f"{reverse('catalog:export')}?tier=advanced&amp;q=%E7%83%AD%E7%BA%BF" in html


def test_confirming_a_preview_never_imports_a_file_uploaded_later_in_another_tab(manager, imports):
    manager.post(IMPORT, {"file": csv_file(GOOD)})
    first_preview_token = manager.session[STAGED.session_key]["token"]
    other = GOOD.replace("HOT-1", "OTHER-1").replace("VISIT-1", "OTHER-2")
    manager.post(IMPORT, {"file": csv_file(other)})  # a second tab uploads another file

    response = confirm(manager, first_preview_token)  # the first tab's confirm button

    assert response.status_code == 302
    assert ServiceItem.objects.count() == 0
    assert confirm(manager).status_code == 200  # the second tab's own confirm works
    assert set(ServiceItem.objects.values_list("code", flat=True)) == {"OTHER-1", "OTHER-2"}


def test_a_confirm_without_the_previewed_upload_is_refused(manager, imports):
    manager.post(IMPORT, {"file": csv_file(GOOD)})

    assert manager.post(CONFIRM).status_code == 302
    assert ServiceItem.objects.count() == 0


def test_a_far_too_large_upload_is_refused_before_it_is_read(manager, imports, settings):
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    big = csv_file(GOOD + "\n" + "x" * 1_200_000)

    response = manager.post(IMPORT, {"file": big}, follow=True)

    assert "文件超过 1 MB 的上限" in response.text or "larger than the 1 MB limit" in response.text
    assert list(imports.iterdir()) == []
