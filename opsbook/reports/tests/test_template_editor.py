"""The template editor: managers create templates (organisation, team, customer) and change
their fields, sections (add, reorder, remove, owner, narrative) and blocks (from the registry,
options checked by the block type); staff read; export and import round-trip, and bad files
are refused with a reason, nothing saved."""

import io
import json

import pytest
import time_machine

from opsbook.audit.models import AuditEntry
from opsbook.reports import blocks, template_services
from opsbook.reports.choices import TemplateKind
from opsbook.reports.models import ReportTemplate, TemplateSection

from .web_factories import NOW, client_for, make_report, make_template

pytestmark = pytest.mark.django_db


class CountBlock(blocks.BlockType):
    type = "test_counts"
    label = "测试计数"
    help = "A block type of the tests."
    defaults = {"months": 12, "metrics": []}

    def clean(self, options):
        options = super().clean(options)
        if not isinstance(options["months"], int) or not 1 <= options["months"] <= 24:
            raise blocks.BlockError("months is a whole number from 1 to 24.")
        return options

    def build(self, context, options):  # pragma: no cover - the editor never builds
        return []


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def count_block():
    blocks.register(CountBlock)
    yield
    blocks._REGISTRY.pop(CountBlock.type, None)


def test_a_manager_creates_a_customer_template_with_the_default_sections(personas):
    client = client_for(personas.mia)

    response = client.post(
        "/reports/templates/",
        {
            "new-name": "星火教育服务报告",
            "new-code": "xinghuo",
            "new-kind": "customer",
            "new-customer": personas.customer_a.pk,
        },
    )

    template = ReportTemplate.objects.get(code="xinghuo")
    assert response.status_code == 302
    assert response["Location"] == f"/reports/templates/{template.pk}/"
    assert template.scope() == {"customer": "xinghuo"}
    assert list(template.sections.values_list("key", flat=True))[:2] == ["overview", "kpis"]
    assert AuditEntry.objects.filter(object_type="reports.reporttemplate").exists()


def test_a_customer_template_without_its_customer_is_refused_with_the_reason(personas):
    response = client_for(personas.mia).post(
        "/reports/templates/", {"new-name": "x", "new-code": "x", "new-kind": "customer"}
    )

    assert response.status_code == 400
    assert "A customer template names its customer." in response.content.decode()
    assert not ReportTemplate.objects.exists()


def test_agents_read_templates_but_change_nothing(personas):
    template = make_template()
    client = client_for(personas.alice)
    section = template.sections.get(key="overview")

    page = client.get(f"/reports/templates/{template.pk}/").content.decode()
    assert "概述" in page and 'id="template-form"' not in page
    assert client.post("/reports/templates/", {"new-name": "x"}).status_code == 403
    assert client.post(f"/reports/templates/{template.pk}/", {"name": "x"}).status_code == 403
    for path in (
        "sections/",
        f"sections/{section.pk}/",
        f"sections/{section.pk}/move/",
        f"sections/{section.pk}/delete/",
        f"sections/{section.pk}/blocks/",
        "delete/",
    ):
        assert client.post(f"/reports/templates/{template.pk}/{path}").status_code == 403, path
    assert client.post("/reports/templates/import/").status_code == 403


def test_a_manager_edits_the_template_fields(personas):
    template = make_template()
    response = client_for(personas.mia).post(
        f"/reports/templates/{template.pk}/",
        {
            "name": "客服部月报",
            "code": "support",
            "kind": "team",
            "team": personas.support_team.pk,
            "editor": personas.alice.pk,
            "deadline_working_days": 3,
            "auto_draft": "on",
            "is_active": "on",
        },
    )

    template.refresh_from_db()
    assert response.status_code == 302
    assert (template.name, template.kind, template.team, template.editor) == (
        "客服部月报",
        TemplateKind.TEAM,
        personas.support_team,
        personas.alice,
    )
    assert template.deadline_working_days == 3 and template.version == 2


def test_sections_are_added_renamed_reordered_and_removed(personas):
    template = make_template()
    client = client_for(personas.mia)
    base = f"/reports/templates/{template.pk}"

    client.post(
        f"{base}/sections/",
        {
            "new-title": "客户之声",
            "new-key": "voice",
            "new-owner": personas.bob.pk,
            "new-narrative": "on",
        },
    )
    voice = TemplateSection.objects.get(template=template, key="voice")
    assert voice.owner == personas.bob and voice.position == 3
    client.post(f"{base}/sections/{voice.pk}/move/", {"direction": "up"})
    assert list(template.sections.values_list("key", flat=True)) == [
        "overview",
        "kpis",
        "voice",
        "problems",
    ]
    client.post(
        f"{base}/sections/{voice.pk}/",
        {f"s{voice.pk}-title": "客户反馈", f"s{voice.pk}-key": "feedback"},
    )
    voice.refresh_from_db()
    assert (voice.title, voice.key, voice.owner, voice.narrative) == (
        "客户反馈",
        "feedback",
        None,
        False,
    )
    client.post(f"{base}/sections/{voice.pk}/delete/")
    assert list(template.sections.values_list("key", flat=True)) == ["overview", "kpis", "problems"]


def test_a_duplicate_section_key_is_refused(personas):
    template = make_template()
    client = client_for(personas.mia)

    response = client.post(
        f"/reports/templates/{template.pk}/sections/",
        {"new-title": "又一个", "new-key": "kpis"},
        follow=True,
    )

    assert "This template already has a section kpis." in response.content.decode()
    assert template.sections.count() == 3


def test_blocks_are_added_with_options_checked_by_their_type(personas):
    template = make_template()
    section = template.sections.get(key="kpis")
    client = client_for(personas.mia)
    url = f"/reports/templates/{template.pk}/sections/{section.pk}/blocks/"

    client.post(url, {"type": "test_counts", "options": ""})
    client.post(url, {"type": "test_counts", "options": '{"months": 6}'})
    section.refresh_from_db()
    assert section.blocks == [
        {"type": "test_counts", "options": {"months": 12, "metrics": []}},
        {"type": "test_counts", "options": {"months": 6, "metrics": []}},
    ]

    for options, says in (
        ('{"months": 99}', "months is a whole number from 1 to 24."),
        ('{"colour": "red"}', "has no option colour"),
        ('{"months": 6', "The options are not valid JSON"),
        ("[1, 2]", "The options are a JSON object"),
    ):
        page = client.post(url, {"type": "test_counts", "options": options}, follow=True)
        assert says in page.content.decode(), options
    page = client.post(url, {"type": "nope", "options": ""}, follow=True)
    assert "Unknown block type &#x27;nope&#x27;" in page.content.decode()
    section.refresh_from_db()
    assert len(section.blocks) == 2


def test_a_block_is_changed_moved_and_removed(personas):
    template = make_template()
    section = template.sections.get(key="kpis")
    client = client_for(personas.mia)
    add = f"/reports/templates/{template.pk}/sections/{section.pk}/blocks/"
    client.post(add, {"type": "test_counts", "options": '{"months": 3}'})
    client.post(add, {"type": "test_counts", "options": '{"months": 4}'})

    client.post(f"{add}1/", {"move": "up"})
    client.post(f"{add}0/", {"options": '{"months": 5}'})
    section.refresh_from_db()
    assert [b["options"]["months"] for b in section.blocks] == [5, 3]
    client.post(f"{add}0/", {"remove": "1"})
    section.refresh_from_db()
    assert [b["options"]["months"] for b in section.blocks] == [3]
    assert client.post(f"{add}7/", {"remove": "1"}).status_code == 404


def test_export_and_import_round_trip(personas):
    template = make_template(
        editor=personas.alice, kind=TemplateKind.TEAM, team=personas.support_team
    )
    template_services.do_save_section(
        template,
        template.sections.get(key="kpis"),
        {"owner": personas.bob, "blocks": [{"type": "test_counts", "options": {"months": 6}}]},
        actor=None,
        now=NOW,
    )
    client = client_for(personas.mia)

    response = client.get(f"/reports/templates/{template.pk}/export/")
    assert response["Content-Disposition"] == 'attachment; filename="report-template-monthly.json"'
    exported = json.loads(response.content)
    assert exported["team"] == "客服部" and exported["editor"] == "alice"
    assert exported["sections"][1]["owner"] == "bob"

    exported["code"] = "copy"
    upload = io.BytesIO(json.dumps(exported, ensure_ascii=False).encode())
    upload.name = "copy.json"
    response = client.post("/reports/templates/import/", {"import-file": upload})

    copy = ReportTemplate.objects.get(code="copy")
    assert response["Location"] == f"/reports/templates/{copy.pk}/"
    exported_again = template_services.do_export_template(copy)
    assert exported_again == exported


def _upload(client, content: bytes, *, replace=False):
    upload = io.BytesIO(content)
    upload.name = "template.json"
    data: dict[str, object] = {"import-file": upload}
    if replace:
        data["import-replace"] = "on"
    return client.post("/reports/templates/import/", data, follow=True).content.decode()


def test_bad_files_are_refused_with_the_reason_and_nothing_is_saved(personas):
    template = make_template()
    good = template_services.do_export_template(template)
    client = client_for(personas.mia)

    def variant(**changes):
        data = json.loads(json.dumps(good))
        data.update(changes)
        return json.dumps(data).encode()

    cases = [
        (b"\x89PNG\r\n", "The file is not JSON in UTF-8."),
        (b"[1, 2]", "The file is not a report template"),
        (variant(format="other"), "The file is not an exported report template"),
        (variant(schema=9), "This file has schema 9"),
        (variant(code="other", team="没有这个部门", kind="team"), "No team 没有这个部门."),
        (variant(code="other", editor="ghost"), "No user ghost."),
        (variant(code="Bad Code"), "A code is 1–50 lower-case letters"),
        (
            variant(
                code="other", sections=[{"key": "a", "title": "A", "blocks": [{"type": "nope"}]}]
            ),
            "Unknown block type",
        ),
        (
            variant(
                code="other", sections=[{"key": "a", "title": "A"}, {"key": "a", "title": "B"}]
            ),
            "Section keys repeat: a.",
        ),
        (variant(), "A template with the code monthly exists"),
        (b" " * (256 * 1024 + 1), "The file is larger than 256 KB."),
    ]
    for content, says in cases:
        page = _upload(client, content)
        assert says in page, says
    assert list(ReportTemplate.objects.values_list("code", flat=True)) == ["monthly"]


def test_an_import_replaces_a_template_only_when_asked(personas):
    template = make_template()
    data = template_services.do_export_template(template)
    data["name"] = "新名字"
    data["sections"] = data["sections"][:1]
    client = client_for(personas.mia)

    _upload(client, json.dumps(data).encode(), replace=True)

    template.refresh_from_db()
    assert template.name == "新名字"
    assert list(template.sections.values_list("key", flat=True)) == ["overview"]


def test_a_template_that_reports_use_is_not_deleted(personas):
    used = make_template()
    make_report(used)
    unused = make_template("spare")
    client = client_for(personas.mia)

    page = client.post(f"/reports/templates/{used.pk}/delete/", follow=True).content.decode()
    assert "1 reports use this template" in page
    client.post(f"/reports/templates/{unused.pk}/delete/")
    assert list(ReportTemplate.objects.values_list("code", flat=True)) == ["monthly"]


def test_the_template_list_reads_a_bounded_number_of_queries(
    personas, django_assert_max_num_queries
):
    for n in range(10):
        make_template(
            f"c{n}", kind=TemplateKind.CUSTOMER, customer=personas.customer_a, editor=personas.alice
        )
    client = client_for(personas.mia)
    client.get("/reports/templates/")

    with django_assert_max_num_queries(10):
        page = client.get("/reports/templates/").content.decode()

    assert page.count('class="template-row"') == 10
