"""Procedures are versioned: changed steps make a new version, runs keep theirs."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from opsbook.audit.models import AuditEntry
from opsbook.catalog.testing import make_content, make_item
from opsbook.sops import services
from opsbook.sops.choices import Evidence
from opsbook.sops.models import Procedure, StepRun
from opsbook.sops.testing import make_procedure, step

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 9, 28, 2, 0, tzinfo=UTC)


def test_a_new_procedure_has_version_one_with_its_steps_in_order(personas):
    procedure = services.do_create_procedure(
        personas.mia,
        name="设备报修流程",
        steps=[step("登记"), step("派单", responsible_role="manager"), step("维修")],
        now=NOW,
    )

    version = procedure.versions.latest("number")
    assert version.number == 1 and version.created_by == personas.mia
    assert [(s.position, s.name) for s in version.steps.all()] == [
        (1, "登记"),
        (2, "派单"),
        (3, "维修"),
    ]
    assert AuditEntry.objects.filter(object_type="sops.procedure").count() == 1


def test_changing_the_steps_makes_the_next_version_with_the_note(personas):
    procedure = make_procedure()

    services.do_update_procedure(
        personas.mia,
        procedure,
        steps=[step("受理登记", time_limit_minutes=20), step("处理")],
        note="受理时限缩短为20分钟",
    )

    versions = list(procedure.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[1].note == "受理时限缩短为20分钟"
    assert [s.name for s in versions[0].steps.all()] == ["受理登记", "现场处理", "回访确认"]
    assert [s.time_limit_minutes for s in versions[1].steps.all()] == [20, None]


def test_saving_the_same_steps_makes_no_version(personas):
    procedure = make_procedure()
    same = [services.StepSpec.of(s) for s in procedure.versions.latest("number").steps.all()]

    services.do_update_procedure(personas.mia, procedure, name="投诉处理流程（新）", steps=same)

    procedure.refresh_from_db()
    assert procedure.name == "投诉处理流程（新）"
    assert procedure.versions.count() == 1


def test_a_run_keeps_the_version_it_started_with(personas):
    procedure = make_procedure()
    run = services.do_start_run(procedure, calendar=None, now=NOW)

    services.do_update_procedure(personas.mia, procedure, steps=[step("全新的唯一步骤")])

    run.refresh_from_db()
    assert run.version.number == 1
    assert [s.step.name for s in StepRun.objects.filter(run=run)] == [
        "受理登记",
        "现场处理",
        "回访确认",
    ]
    assert services.do_start_run(procedure, calendar=None, now=NOW).version.number == 2


def test_only_managers_change_procedures(personas):
    procedure = make_procedure()
    for person in (personas.alice, personas.vera, personas.dana):
        with pytest.raises(PermissionDenied):
            services.do_update_procedure(person, procedure, name="改名")
        with pytest.raises(PermissionDenied):
            services.do_create_procedure(person, name="新流程", steps=[step("一")])


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ([], "at least one step"),
        ([step("")], "Step 1: give the step a name"),
        ([step("一"), step("二", time_limit_minutes=0)], "Step 2: the time limit"),
        ([step("一", responsible_role="customer")], "responsible role"),
        ([step("一", evidence="photo")], "unknown kind of evidence"),
        ([step("一", checklist=[str(i) for i in range(31)])], "at most 30 checklist points"),
    ],
)
def test_bad_steps_are_refused_with_the_step_named(personas, steps, message):
    with pytest.raises(ValidationError) as caught:
        services.do_create_procedure(personas.mia, name="坏流程", steps=steps)
    assert message in " ".join(caught.value.message_dict["steps"])


def test_a_viewer_or_customer_cannot_be_responsible_for_a_step(personas):
    for person in (personas.vera, personas.dana):
        with pytest.raises(ValidationError, match="cannot be responsible"):
            services.do_create_procedure(
                personas.mia, name="流程", steps=[step("一", responsible_user=person)]
            )


def test_names_are_unique(personas):
    make_procedure("流程A")
    with pytest.raises(ValidationError, match="already a procedure"):
        services.do_create_procedure(personas.mia, name=" 流程A ", steps=[step("一")])


def test_a_ticket_type_follows_one_procedure_and_choosing_it_again_moves_it(personas):
    first = make_procedure("投诉流程一", ticket_types=["complaint"])
    second = make_procedure("投诉流程二")

    services.do_update_procedure(personas.mia, second, ticket_types=["complaint", "incident"])

    assert services.ticket_types_of(first) == []
    assert services.ticket_types_of(second) == ["complaint", "incident"]
    with pytest.raises(ValidationError, match="Unknown ticket type"):
        services.do_update_procedure(personas.mia, second, ticket_types=["nonsense"])


def test_a_deactivated_procedure_is_not_chosen_for_new_work(personas):
    item = make_item(personas.alice)
    content = make_content(item)
    procedure = make_procedure(items=[item])
    assert services.procedure_for_content(content) == procedure

    services.do_set_procedure_active(personas.mia, procedure, False)

    assert services.procedure_for_content(content) is None
    assert services.procedure_for_item(item) is None


def test_the_content_s_own_procedure_comes_before_its_item_s(personas):
    item = make_item(personas.alice)
    content, other = make_content(item), make_content(item, name="巡检")
    make_procedure("整体流程", items=[item])
    own = make_procedure("接听流程", contents=[content])

    assert services.procedure_for_content(content) == own
    assert services.procedure_for_content(other) == Procedure.objects.get(name="整体流程")


def test_required_evidence_kinds_are_stored(personas):
    procedure = make_procedure(steps=[step("拍照", evidence=Evidence.ATTACHMENT)])
    assert procedure.versions.latest("number").steps.get().evidence == "attachment"
