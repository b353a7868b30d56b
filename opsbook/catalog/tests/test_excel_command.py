import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from opsbook.audit.models import AuditEntry
from opsbook.catalog.models import ServiceContent, ServiceItem

from .excel_helpers import counts, table, xlsx

ROWS = [
    {"一级分类": "客户服务", "服务项目": "400热线", "服务内容": "接听", "责任人": "张三"},
    {"一级分类": "客户服务", "服务项目": "400热线", "服务内容": "回访", "责任人": "李四"},
]


def catalog(*args) -> str:
    out = StringIO()
    call_command("catalog", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def workbook(personas, tmp_path):
    personas.alice, personas.bob, personas.mia  # noqa: B018 (owners above, and an importer)
    path = tmp_path / "清单.xlsx"
    path.write_bytes(xlsx(table(ROWS)))
    return path


def test_import_prints_a_summary_and_records_the_user(workbook, personas):
    output = catalog("import", str(workbook), "--user", "mia")

    assert output.splitlines() == [
        "Imported.",
        "categories: 1 created, 0 updated, 0 unchanged",
        "service items: 1 created, 0 updated, 0 unchanged",
        "service content: 2 created, 0 updated, 0 unchanged",
    ]
    assert ServiceContent.objects.count() == 2
    assert set(AuditEntry.objects.values_list("actor__username", "source")) == {("mia", "import")}


def test_a_dry_run_writes_nothing(workbook):
    before = counts()

    output = catalog("import", str(workbook), "--dry-run")

    assert output.startswith("Dry run: nothing was written.\n")
    assert "service content: 2 created" in output
    assert counts() == before


def test_json_output_is_the_report(workbook):
    report = json.loads(catalog("import", str(workbook), "--json"))

    assert report["ok"] is True
    assert report["summary"]["contents"]["created"] == 2
    assert report["rows"][0]["values"]["服务内容"] == "接听"


def test_problems_are_listed_one_per_line_and_exit_with_status_1(workbook, tmp_path):
    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(xlsx(table([{**ROWS[0], "责任人": "赵六", "开始时间": "2026年2月30日"}])))
    out = StringIO()

    with pytest.raises(CommandError) as raised:
        call_command("catalog", "import", str(bad), stdout=out)

    assert raised.value.returncode == 1
    assert str(raised.value) == "2 problem(s): nothing was written."
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("服务清单!R2 C(责任人): Unknown owner 赵六")
    assert lines[1] == "服务清单!R2 C(开始时间): 2026年2月30日 is not a real date."
    assert ServiceItem.objects.count() == 0


def test_problems_as_json_also_exit_with_status_1(workbook, tmp_path):
    bad = tmp_path / "坏.csv"
    bad.write_bytes("一级分类,服务项目\n,400热线\n".encode())
    out = StringIO()

    with pytest.raises(CommandError):
        call_command("catalog", "import", str(bad), "--json", stdout=out)

    report = json.loads(out.getvalue())
    assert report["ok"] is False
    assert report["problems"][0]["row"] == 2
    assert report["problems"][0]["column"] == "一级分类"


def test_import_refuses_a_user_who_may_not_manage_the_checklist(workbook, personas):
    personas.vera  # noqa: B018

    with pytest.raises(CommandError, match="vera may not import"):
        catalog("import", str(workbook), "--user", "vera")
    with pytest.raises(CommandError, match="No user named nobody"):
        catalog("import", str(workbook), "--user", "nobody")
    assert ServiceItem.objects.count() == 0


def test_import_of_a_missing_file_says_so(db, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        catalog("import", str(tmp_path / "nope.xlsx"))


def test_export_then_import_changes_nothing(workbook, tmp_path):
    catalog("import", str(workbook))
    exported = tmp_path / "导出.xlsx"

    assert catalog("export", str(exported)) == f"Wrote {exported}.\n"
    output = catalog("import", str(exported))

    assert "service content: 0 created, 0 updated, 2 unchanged" in output


def test_template_writes_an_empty_workbook(db, tmp_path):
    path = tmp_path / "模板.xlsx"

    catalog("template", str(path))

    assert path.read_bytes().startswith(b"PK")
    with pytest.raises(CommandError):
        catalog("import", str(path))
