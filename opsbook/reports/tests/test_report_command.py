"""``opsbook report build``: a month's report written to a file from the command line."""

import io
import os
from datetime import UTC, datetime

import docx
import pytest
import time_machine
from django.core.management import CommandError, call_command

from opsbook.metrics.tests.helpers import at, ticket
from opsbook.reports.choices import TemplateKind
from opsbook.reports.defaults import ensure_default_template
from opsbook.reports.models import Report

from .export_helpers import document_for, make_report, make_template, publish

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 12, 2, 2, tzinfo=UTC)


def build(*args: str) -> str:
    out = io.StringIO()
    call_command("report", "build", *args, stdout=out)
    return out.getvalue()


def _title(path) -> str:
    return docx.Document(str(path)).core_properties.title


@pytest.fixture
def template(db):
    return make_template()


def test_it_writes_the_current_draft_of_the_default_template(template, tmp_path):
    make_report(template)
    target = tmp_path / "report.docx"
    said = build("--month", "2026-11", "--format", "docx", "-o", str(target))
    assert _title(target) == "2026年11月运营服务月报"
    assert "current draft" in said and str(target) in said
    assert [p.name for p in tmp_path.iterdir()] == ["report.docx"]


def test_it_writes_the_latest_published_version_unless_told_otherwise(template, tmp_path):
    report = make_report(template)
    publish(report, title_suffix="（一）")
    publish(report, title_suffix="（二）")
    target = tmp_path / "r.docx"
    assert "published version 2" in build(
        "--month", "2026-11", "--format", "docx", "-o", str(target)
    )
    assert _title(target).endswith("（二）")
    build("--month", "2026-11", "--format", "docx", "-o", str(target), "--version", "1")
    assert _title(target).endswith("（一）")
    build("--month", "2026-11", "--format", "docx", "-o", str(target), "--draft")
    assert _title(target) == "2026年11月运营服务月报"


def test_a_customer_gets_its_customer_template(personas, template, tmp_path):
    customer = make_template(
        "xinghuo", kind=TemplateKind.CUSTOMER, customer=personas.customer_a, name="服务报告"
    )
    make_report(template)
    make_report(customer)
    target = tmp_path / "c.docx"
    build("--month", "2026-11", "--customer", "xinghuo", "--format", "docx", "-o", str(target))
    assert _title(target) == "2026年11月服务报告"
    word = docx.Document(str(target))
    assert "范围：客户：星火教育" in [p.text for p in word.paragraphs]


def test_a_template_by_code(template, tmp_path):
    other = make_template("team-monthly", kind=TemplateKind.ORGANISATION, name="团队月报")
    make_report(other, document=document_for(other))
    target = tmp_path / "t.docx"
    build("--month", "2026-11", "--template", "team-monthly", "--format", "docx", "-o", str(target))
    assert _title(target) == "2026年11月团队月报"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--month", "2026-13"], "YYYY-MM"),
        (["--month", "11/2026"], "YYYY-MM"),
        (["--month", "2026-11", "--template", "nope"], "no such report template"),
        (["--month", "2026-11", "--customer", "nope"], "no such customer"),
        (["--month", "2026-11", "--customer", "xinghuo"], "has no report template"),
        (["--month", "2026-11", "--version", "3"], "no published version 3"),
        (["--month", "2026-11", "--version", "0"], "numbered from 1"),
        (["--month", "2026-11", "--template", "monthly", "--customer", "xinghuo"], "not a"),
    ],
)
def test_bad_input_is_a_clear_error_and_writes_nothing(personas, template, tmp_path, args, message):
    personas.customer_a  # noqa: B018 - the customer exists
    make_report(template)
    target = tmp_path / "r.docx"
    with pytest.raises(CommandError, match=message):
        build(*args, "--format", "docx", "-o", str(target))
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_destination_is_an_error_and_leaves_the_old_file(template, tmp_path):
    make_report(template)
    with pytest.raises(CommandError, match="does not exist"):
        build("--month", "2026-11", "--format", "docx", "-o", str(tmp_path / "no" / "r.docx"))
    with pytest.raises(CommandError, match="is a directory"):
        build("--month", "2026-11", "--format", "docx", "-o", str(tmp_path))
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "r.docx").write_bytes(b"old")
    os.chmod(locked, 0o500)
    try:
        if os.access(locked, os.W_OK):  # root ignores the mode
            pytest.skip("running as root: the directory stays writable")
        with pytest.raises(CommandError, match="cannot write"):
            build("--month", "2026-11", "--format", "docx", "-o", str(locked / "r.docx"))
        assert (locked / "r.docx").read_bytes() == b"old"
    finally:
        os.chmod(locked, 0o700)


def test_no_default_template_says_to_name_one(db, tmp_path):
    with pytest.raises(CommandError, match="--template"):
        build("--month", "2026-11", "--format", "docx", "-o", str(tmp_path / "r.docx"))


def test_a_failed_write_leaves_neither_half_a_file_nor_a_temporary_one(
    template, tmp_path, monkeypatch
):
    make_report(template)
    target = tmp_path / "r.docx"
    target.write_bytes(b"old")

    def full_disk(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(CommandError, match="No space left"):
        build("--month", "2026-11", "--format", "docx", "-o", str(target))
    assert [p.name for p in tmp_path.iterdir()] == ["r.docx"]
    assert target.read_bytes() == b"old"


def test_with_no_report_yet_it_builds_a_draft_from_the_data_and_saves_nothing(tmp_path):
    now = NOW
    ensure_default_template(now=now)
    for day in (3, 4, 5):
        ticket(at(2026, 11, day))
    target = tmp_path / "fly.docx"
    with time_machine.travel(now, tick=False):
        said = build("--month", "2026-11", "--format", "docx", "-o", str(target))
    assert "draft built now" in said
    assert not Report.objects.exists()
    word = docx.Document(str(target))
    headings = [p.text for p in word.paragraphs if p.style and p.style.name == "Heading 1"]
    assert [h[:2] for h in headings[:3]] == ["一、", "二、", "三、"]
    figures = next(t for t in word.tables if len(t.columns) >= 5)
    created = next(r for r in figures.rows if r.cells[1].text == "3")
    assert created.cells[0].text


def test_a_month_that_has_not_started_cannot_be_drafted(db, tmp_path):

    now = NOW
    ensure_default_template(now=now)
    with time_machine.travel(now, tick=False), pytest.raises(CommandError, match="2027-03"):
        build("--month", "2027-03", "--format", "docx", "-o", str(tmp_path / "r.docx"))
    assert list(tmp_path.iterdir()) == []
