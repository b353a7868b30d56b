"""do_edit_narrative and do_reset_narrative: who may edit a section's paragraph and when, its
numbers linked back to the figures, the warnings, the document and the audit trail."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from opsbook.audit.models import AuditEntry
from opsbook.core.errors import ConflictError
from opsbook.reports import narrative
from opsbook.reports.choices import ReportStatus
from opsbook.reports.editing import (
    MAX_NARRATIVE,
    do_edit_narrative,
    do_reset_narrative,
    section_narrative,
)
from opsbook.reports.models import Report, ReportSection, ReportTemplate
from opsbook.reports.testing import sample_document

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)
GENERATED = (
    "本月工单量为 {{tickets.created:value}}，较上月增加（{{tickets.created:change}}，"
    "{{tickets.created:change_pct}}）；首次响应及时率为 {{sla.response_rate:value}}，"
    "达到目标（{{sla.response_rate:target}}）。"
)


def make_section(owner, *, status=ReportStatus.DRAFT, editor=None, key="overview"):
    template = ReportTemplate.objects.create(code="monthly", name="运营服务月报", editor=editor)
    document = sample_document()
    report = Report.objects.create(
        template=template,
        period="2026-11",
        title=document["title"],
        status=status,
        document=document,
    )
    return ReportSection.objects.create(
        report=report, key=key, title="概述", owner=owner, generated=GENERATED
    )


def narrative_in_document(section):
    document = Report.objects.get(pk=section.report_id).document
    return next(s["narrative"] for s in document["sections"] if s["key"] == section.key)


def test_the_owner_edits_and_the_numbers_stay_linked(personas):
    section = make_section(personas.alice)

    saved, warnings = do_edit_narrative(
        section,
        "本月受理工单 1,234 件，比上月多 +134 件；首次响应及时率 95.2%，达到目标。",
        actor=personas.alice,
        now=NOW,
    )

    assert warnings == []
    saved.refresh_from_db()
    assert saved.edited == (
        "本月受理工单 {{tickets.created:value}} 件，比上月多 {{tickets.created:change}} 件；"
        "首次响应及时率 {{sla.response_rate:value}}，达到目标。"
    )
    assert saved.is_edited and saved.edited_by == personas.alice and saved.edited_at == NOW
    assert saved.generated == GENERATED and saved.version == 2
    assert narrative_in_document(section) == {
        "text": "本月受理工单 1,234 件，比上月多 +134 件；首次响应及时率 95.2%，达到目标。",
        "source": saved.edited,
        "edited": True,
        "warnings": [],
    }
    entry = AuditEntry.objects.for_object(saved).get()
    assert entry.actor == personas.alice and entry.action == "update"
    assert entry.parent_id == str(section.report_id)
    assert entry.changes["narrative"][1].startswith("本月受理工单 1,234 件")


def test_a_rebuilt_draft_shows_the_new_numbers_in_the_owners_words(personas):
    section = make_section(personas.alice)
    saved, _w = do_edit_narrative(section, "工单 1,234 件。", actor=personas.alice, now=NOW)

    document = sample_document()
    document["figures"]["tickets.created"]["display"]["value"] = "1,300"
    assert section_narrative(saved, document)["text"] == "工单 1,300 件。"


def test_an_edit_that_contradicts_the_figures_is_saved_with_warnings(personas):
    section = make_section(personas.alice)

    _saved, warnings = do_edit_narrative(
        section,
        "工单量 1,234，较上月下降（+134）；另有 12.5% 来自微信。",
        actor=personas.alice,
        now=NOW,
    )

    expected = [
        "“12.5%” does not come from the data.",
        "“下降” does not match 工单量, which went up (+134).",
    ]
    assert warnings == expected
    # The document keeps them in its own language (zh-hans): the catalogue translates them.
    with translation.override("zh-hans"):
        in_chinese = narrative.check(
            narrative_in_document(section)["source"], sample_document()["figures"]
        )
    assert narrative_in_document(section)["warnings"] == in_chinese
    assert len(in_chinese) == 2


@pytest.mark.parametrize("who", ["mia", "erin"])
def test_managers_edit_any_section(personas, who):
    section = make_section(personas.alice)
    do_edit_narrative(section, "工单 1,234 件。", actor=getattr(personas, who), now=NOW)
    assert ReportSection.objects.get(pk=section.pk).is_edited


def test_the_reports_editor_edits_any_section(personas):
    section = make_section(personas.alice, editor=personas.bob)
    do_edit_narrative(section, "工单 1,234 件。", actor=personas.bob, now=NOW)
    assert ReportSection.objects.get(pk=section.pk).edited_by == personas.bob


@pytest.mark.parametrize("who", ["bob", "charlie", "vera", "dana"])
def test_nobody_else_edits_the_section(personas, who):
    section = make_section(personas.alice)
    with pytest.raises(PermissionDenied):
        do_edit_narrative(section, "工单 1,234 件。", actor=getattr(personas, who), now=NOW)
    with pytest.raises(PermissionDenied):
        do_reset_narrative(section, actor=getattr(personas, who), now=NOW)
    assert not ReportSection.objects.get(pk=section.pk).is_edited
    assert not AuditEntry.objects.exists()


def test_a_viewer_who_owns_the_section_still_cannot_edit_it(personas):
    section = make_section(personas.vera)
    with pytest.raises(PermissionDenied):
        do_edit_narrative(section, "工单 1,234 件。", actor=personas.vera, now=NOW)


@pytest.mark.parametrize(
    "status", [ReportStatus.SUBMITTED, ReportStatus.APPROVED, ReportStatus.PUBLISHED]
)
def test_a_report_past_its_draft_cannot_be_edited_even_by_its_owner(personas, status):
    section = make_section(personas.alice, status=status)
    for actor in (personas.alice, personas.mia):
        with pytest.raises(PermissionDenied, match="can no longer be edited"):
            do_edit_narrative(section, "工单 1,234 件。", actor=actor, now=NOW)
    assert not ReportSection.objects.get(pk=section.pk).is_edited


def test_a_returned_report_is_editable_again(personas):
    section = make_section(personas.alice, status=ReportStatus.RETURNED)
    do_edit_narrative(section, "工单 1,234 件。", actor=personas.alice, now=NOW)
    assert ReportSection.objects.get(pk=section.pk).is_edited


def test_a_report_submitted_after_the_page_was_opened_refuses_the_edit(personas):
    section = make_section(personas.alice)
    Report.objects.filter(pk=section.report_id).update(status=ReportStatus.SUBMITTED)
    with pytest.raises(PermissionDenied):
        do_edit_narrative(section, "工单 1,234 件。", actor=personas.alice, now=NOW)
    assert not ReportSection.objects.get(pk=section.pk).is_edited


def test_an_edit_over_someone_elses_is_refused(personas):
    section = make_section(personas.alice)
    do_edit_narrative(section, "工单 1,234 件。", actor=personas.mia, now=NOW, expected_version=1)

    with pytest.raises(ConflictError, match="changed by someone else"):
        do_edit_narrative(section, "我的版本。", actor=personas.alice, now=NOW, expected_version=1)
    saved = ReportSection.objects.get(pk=section.pk)
    assert saved.edited == "工单 {{tickets.created:value}} 件。" and saved.version == 2


def test_html_is_stripped_to_plain_text(personas):
    section = make_section(personas.alice)
    saved, _w = do_edit_narrative(
        section,
        '<p>工单 <b>1,234</b> 件</p><script>alert("x")</script>'
        "<img src=x onerror=alert(1)> a &lt; b",
        actor=personas.alice,
        now=NOW,
    )
    assert saved.edited == "工单 {{tickets.created:value}} 件 a < b"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Write the paragraph"),
        ("   <b></b> ", "Write the paragraph"),
        ("工" * (MAX_NARRATIVE + 1), "At most"),
        ("工单\x00", "Control characters"),
    ],
)
def test_bad_text_is_refused_and_nothing_written(personas, text, message):
    section = make_section(personas.alice)
    with pytest.raises(ValidationError, match=message):
        do_edit_narrative(section, text, actor=personas.alice, now=NOW)
    assert not ReportSection.objects.get(pk=section.pk).is_edited
    assert not AuditEntry.objects.exists()


def test_saving_the_same_text_again_writes_nothing(personas):
    section = make_section(personas.alice)
    saved, _w = do_edit_narrative(section, "工单 1,234 件。", actor=personas.alice, now=NOW)
    again, _w = do_edit_narrative(saved, "工单 1,234 件。", actor=personas.alice, now=NOW)
    assert again.version == saved.version == 2
    assert AuditEntry.objects.count() == 1


def test_reset_goes_back_to_the_generated_paragraph(personas):
    section = make_section(personas.alice)
    saved, _w = do_edit_narrative(section, "工单 1,234 件。", actor=personas.alice, now=NOW)

    reset, warnings = do_reset_narrative(
        saved, actor=personas.alice, now=NOW, expected_version=saved.version
    )

    assert warnings == []
    reset.refresh_from_db()
    assert not reset.is_edited and reset.edited == "" and reset.version == 3
    assert narrative_in_document(section) == {
        "text": "本月工单量为 1,234，较上月增加（+134，+12.2%）；首次响应及时率为 95.2%，"
        "达到目标（95.0%）。",
        "source": GENERATED,
        "edited": False,
        "warnings": [],
    }
    assert AuditEntry.objects.for_object(reset).count() == 2


def test_resetting_an_unedited_section_writes_nothing(personas):
    section = make_section(personas.alice)
    reset, _w = do_reset_narrative(section, actor=personas.alice, now=NOW)
    assert reset.version == 1 and not AuditEntry.objects.exists()


def test_a_section_missing_from_the_document_is_still_saved(personas):
    section = make_section(personas.alice, key="custom")
    do_edit_narrative(section, "工单 1,234 件。", actor=personas.alice, now=NOW)
    saved = ReportSection.objects.get(pk=section.pk)
    assert saved.edited == "工单 {{tickets.created:value}} 件。"
    assert "custom" not in [s["key"] for s in saved.report.document["sections"]]
