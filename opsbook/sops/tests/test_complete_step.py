"""Completing a step: in order, with the evidence it requires and every checklist point ticked,
by someone who may."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from opsbook.accounts.choices import Role
from opsbook.accounts.testing import make_user
from opsbook.sops import services
from opsbook.sops.choices import Evidence
from opsbook.sops.testing import make_procedure, step

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 9, 29, 2, 0, tzinfo=UTC)
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def start(*steps):
    run = services.do_start_run(make_procedure(steps=list(steps)), calendar=None, now=NOW)
    return run, list(run.step_runs.select_related("step").order_by("step__position"))


def test_a_note_step_needs_a_note(personas):
    _run, (only,) = start(step("记录", evidence=Evidence.NOTE))

    with pytest.raises(ValidationError) as caught:
        services.do_complete_step(personas.mia, only, note="   ")
    assert "needs a note" in caught.value.message_dict["note"][0]

    services.do_complete_step(personas.mia, only, note="已电话确认")
    only.refresh_from_db()
    assert only.note == "已电话确认" and only.done_by == personas.mia


@pytest.mark.parametrize("link", ["", "javascript:alert(1)", "ftp://x.example/a", "not a url"])
def test_a_link_step_needs_a_web_address(personas, link):
    _run, (only,) = start(step("上传", evidence=Evidence.LINK))

    with pytest.raises(ValidationError) as caught:
        services.do_complete_step(personas.mia, only, link=link)
    assert "link" in caught.value.message_dict


def test_a_link_step_takes_an_https_link(personas):
    _run, (only,) = start(step("上传", evidence=Evidence.LINK))
    services.do_complete_step(personas.mia, only, link="https://pan.example.com/s/abc")
    only.refresh_from_db()
    assert only.link == "https://pan.example.com/s/abc"


def test_an_attachment_step_needs_a_file_that_passes_the_upload_checks(personas, media):
    _run, (only,) = start(step("拍照", evidence=Evidence.ATTACHMENT))

    with pytest.raises(ValidationError, match="needs a file"):
        services.do_complete_step(personas.mia, only)
    html = SimpleUploadedFile("page.html", b"<html><script>x</script>", "text/html")
    with pytest.raises(ValidationError, match="not accepted"):
        services.do_complete_step(personas.mia, only, file=html)
    fake = SimpleUploadedFile("scan.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    with pytest.raises(ValidationError, match="does not contain"):
        services.do_complete_step(personas.mia, only, file=fake)

    services.do_complete_step(
        personas.mia, only, file=SimpleUploadedFile("现场照片.pdf", PDF, "application/pdf")
    )
    only.refresh_from_db()
    assert only.attachment_name == "现场照片.pdf"
    assert only.attachment.name.startswith("sops/") and "现场" not in only.attachment.name


def test_every_checklist_point_must_be_ticked(personas):
    _run, (only,) = start(step("巡检", checklist=["检查电源", "检查网络"]))

    with pytest.raises(ValidationError, match="检查网络"):
        services.do_complete_step(personas.mia, only, checked=[0])
    with pytest.raises(ValidationError, match="Unknown checklist point"):
        services.do_complete_step(personas.mia, only, checked=[0, 1, 5])

    services.do_complete_step(personas.mia, only, checked=[1, 0])
    only.refresh_from_db()
    assert only.checked == [0, 1]


def test_steps_are_done_in_order(personas):
    _run, (first, second) = start(step("一"), step("二"))

    with pytest.raises(ValidationError, match="in order"):
        services.do_complete_step(personas.mia, second)
    services.do_complete_step(personas.mia, first)
    with pytest.raises(ValidationError, match="already done"):
        services.do_complete_step(personas.mia, first)


def test_the_responsible_person_or_role_may_complete_a_step_outsiders_may_not(personas):
    engineer = make_user("engineer", Role.AGENT)
    _run, (first, second) = start(
        step("一", responsible_user=engineer), step("二", responsible_role=Role.MANAGER)
    )

    for outsider in (personas.charlie, personas.vera, personas.dana):
        with pytest.raises(PermissionDenied):
            services.do_complete_step(outsider, first)
    services.do_complete_step(engineer, first)
    with pytest.raises(PermissionDenied):
        services.do_complete_step(engineer, second)
    services.do_complete_step(personas.mia, second)


def test_only_managers_reopen_and_only_the_last_step_done(personas):
    _run, (first, second, third) = start(step("一"), step("二"), step("三"))
    services.do_complete_step(personas.mia, first)
    services.do_complete_step(personas.mia, second)

    with pytest.raises(PermissionDenied):
        services.do_reopen_step(personas.alice, second)
    with pytest.raises(ValidationError, match="last step done"):
        services.do_reopen_step(personas.mia, first)
    with pytest.raises(ValidationError, match="not done"):
        services.do_reopen_step(personas.mia, third)
    services.do_reopen_step(personas.mia, second)
    assert services.current_step(second.run) == second
