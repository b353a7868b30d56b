"""Completing routine work: evidence (note, link, files), who may, and what is refused with
nothing written."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from opsbook.accounts.models import Team
from opsbook.audit.models import AuditEntry
from opsbook.routines.choices import OccurrenceStatus
from opsbook.routines.models import Evidence, Occurrence
from opsbook.routines.services import do_complete_occurrence
from opsbook.sops.models import Procedure, Run, Step, StepRun, Version

from . import ui_helpers
from .ui_helpers import NOW, make_occurrence, png

media, scene = ui_helpers.media, ui_helpers.scene  # fixtures

pytestmark = pytest.mark.django_db


def test_it_records_the_note_link_and_files_as_evidence(scene, personas, media):
    occurrence = make_occurrence(scene.content, assignee=personas.alice)
    done = do_complete_occurrence(
        personas.alice,
        occurrence,
        note="机房温度正常",
        link="https://wiki.example.com/checks/42",
        files=[png()],
        now=NOW,
    )
    done.refresh_from_db()
    assert done.status == OccurrenceStatus.DONE
    assert done.completed_at == NOW
    assert done.completed_by == personas.alice
    assert done.note == "机房温度正常"
    assert done.link == "https://wiki.example.com/checks/42"
    [evidence] = done.evidence.all()
    assert evidence.name == "photo.png"
    assert evidence.content_type == "image/png"
    assert evidence.uploaded_by == personas.alice
    assert AuditEntry.objects.for_object(done).get().changes["status"] == ["open", "done"]


def test_an_owner_who_is_not_the_assignee_may_complete(scene, personas):
    occurrence = make_occurrence(
        scene.content, assignee=personas.alice, owners=[personas.alice, personas.bob]
    )
    do_complete_occurrence(personas.bob, occurrence, now=NOW)
    occurrence.refresh_from_db()
    assert occurrence.status == OccurrenceStatus.DONE


def test_the_lead_of_the_occurrences_team_may_complete(scene, personas):
    team = Team.objects.create(name="巡检组", lead=personas.charlie)
    occurrence = make_occurrence(scene.content, assignee=personas.alice, team=team)
    do_complete_occurrence(personas.charlie, occurrence, now=NOW)
    occurrence.refresh_from_db()
    assert occurrence.status == OccurrenceStatus.DONE


@pytest.mark.parametrize("who", ["vera", "charlie", "bob"])
def test_viewers_outsiders_and_teammates_who_do_not_own_it_may_not(scene, personas, who):
    occurrence = make_occurrence(scene.content, assignee=personas.alice)
    with pytest.raises(PermissionDenied):
        do_complete_occurrence(getattr(personas, who), occurrence, now=NOW)
    occurrence.refresh_from_db()
    assert occurrence.status == OccurrenceStatus.OPEN


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (OccurrenceStatus.DONE, "already completed"),
        (OccurrenceStatus.SKIPPED, "already skipped"),
        (OccurrenceStatus.MISSED, "missed when its period ended"),
        (OccurrenceStatus.CANCELLED, "was cancelled"),
    ],
)
def test_only_open_work_can_be_completed(scene, personas, media, status, message):
    occurrence = make_occurrence(scene.content, assignee=personas.alice, status=status)
    with pytest.raises(ValidationError) as refused:
        do_complete_occurrence(personas.alice, occurrence, note="x", files=[png()], now=NOW)
    assert message in str(refused.value.message_dict["status"])
    occurrence.refresh_from_db()
    assert occurrence.status == status
    assert occurrence.note == ""
    assert not Evidence.objects.exists()
    assert not AuditEntry.objects.for_object(occurrence).exists()


@pytest.mark.parametrize(
    "link",
    ["javascript:alert(1)", "data:text/html,<b>x</b>", "file:///etc/passwd", "ftp://x.example"],
)
def test_a_link_that_is_not_http_or_https_is_refused(scene, personas, media, link):
    occurrence = make_occurrence(scene.content, assignee=personas.alice)
    with pytest.raises(ValidationError) as refused:
        do_complete_occurrence(personas.alice, occurrence, link=link, files=[png()], now=NOW)
    assert "http" in refused.value.message_dict["link"][0]
    occurrence.refresh_from_db()
    assert occurrence.status == OccurrenceStatus.OPEN
    assert not Evidence.objects.exists()


class Unreadable(SimpleUploadedFile):
    """A file whose content must not be read (its size alone refuses it)."""

    def read(self, *args, **kwargs):
        raise AssertionError("read a file that its size refuses")

    def chunks(self, *args, **kwargs):
        raise AssertionError("read a file that its size refuses")


def test_a_file_over_the_limit_is_refused_before_it_is_read(scene, personas, media, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    occurrence = make_occurrence(scene.content, assignee=personas.alice)
    big = Unreadable("big.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 2048)
    with pytest.raises(ValidationError) as refused:
        do_complete_occurrence(personas.alice, occurrence, files=[big], now=NOW)
    assert "larger than" in str(refused.value.message_dict["files"])
    occurrence.refresh_from_db()
    assert occurrence.status == OccurrenceStatus.OPEN
    assert not Evidence.objects.exists()


def test_active_content_is_refused_whatever_it_is_called(scene, personas, media):
    occurrence = make_occurrence(scene.content, assignee=personas.alice)
    html = SimpleUploadedFile("notes.txt", b"<html><script>x</script></html>")
    with pytest.raises(ValidationError):
        do_complete_occurrence(personas.alice, occurrence, files=[html], now=NOW)
    assert not Evidence.objects.exists()


def _run_with_steps(occurrence, done: int, total: int) -> Run:
    procedure = Procedure.objects.create(name="机房巡检规程")
    version = Version.objects.create(procedure=procedure, number=1)
    run = Run.objects.create(version=version, started_at=NOW - timedelta(hours=2))
    for position in range(total):
        step = Step.objects.create(version=version, position=position + 1, name=f"第{position}步")
        StepRun.objects.create(run=run, step=step, done_at=NOW if position < done else None)
    occurrence.sop_run = run
    occurrence.save(update_fields=["sop_run"])
    return run


def test_with_procedure_steps_not_done_a_note_is_required(scene, personas):
    occurrence = make_occurrence(scene.content, assignee=personas.alice)
    _run_with_steps(occurrence, done=1, total=3)
    with pytest.raises(ValidationError) as refused:
        do_complete_occurrence(personas.alice, occurrence, now=NOW)
    assert "2 steps of the procedure are not done" in refused.value.message_dict["note"][0]
    occurrence.refresh_from_db()
    assert occurrence.status == OccurrenceStatus.OPEN

    do_complete_occurrence(personas.alice, occurrence, note="第三步改为电话确认", now=NOW)
    occurrence.refresh_from_db()
    assert occurrence.status == OccurrenceStatus.DONE
    assert AuditEntry.objects.for_object(occurrence).get().changes["open_steps"] == [None, 2]


def test_with_every_step_done_no_note_is_needed(scene, personas):
    occurrence = make_occurrence(scene.content, assignee=personas.alice)
    _run_with_steps(occurrence, done=2, total=2)
    do_complete_occurrence(personas.alice, occurrence, now=NOW)
    occurrence.refresh_from_db()
    assert occurrence.status == OccurrenceStatus.DONE


def test_a_stale_copy_cannot_complete_twice(scene, personas):
    """Two people on the same page: the second one's copy still says open, the row does not."""
    first = make_occurrence(scene.content, assignee=personas.alice, owners=[personas.alice])
    stale = Occurrence.objects.get(pk=first.pk)
    do_complete_occurrence(personas.alice, first, note="我做完了", now=NOW)
    with pytest.raises(ValidationError) as refused:
        do_complete_occurrence(personas.mia, stale, note="我也做完了", now=NOW)
    assert "already completed" in refused.value.message_dict["status"][0]
    first.refresh_from_db()
    assert first.note == "我做完了" and first.completed_by == personas.alice


def test_more_than_ten_files_at_once_are_refused(scene, personas, media):
    occurrence = make_occurrence(scene.content, assignee=personas.alice)
    with pytest.raises(ValidationError) as refused:
        do_complete_occurrence(
            personas.alice, occurrence, files=[png(f"{n}.png") for n in range(11)], now=NOW
        )
    assert "at most 10 files" in refused.value.message_dict["files"][0]
    assert not Evidence.objects.exists()
