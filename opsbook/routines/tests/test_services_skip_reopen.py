"""Skipping work needs a reason; a manager or the team's lead undoes a wrong completion or skip
while the period is open, and never after."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from opsbook.accounts.models import Team
from opsbook.audit.models import AuditEntry
from opsbook.routines.choices import OccurrenceStatus
from opsbook.routines.services import (
    do_complete_occurrence,
    do_reopen_occurrence,
    do_skip_occurrence,
)

from . import ui_helpers
from .ui_helpers import NOW, TODAY, make_occurrence

scene = ui_helpers.scene  # fixtures

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_skipping_without_a_reason_is_refused(scene, personas, reason):
    occurrence = make_occurrence(scene.content, assignee=personas.alice)
    with pytest.raises(ValidationError) as refused:
        do_skip_occurrence(personas.alice, occurrence, reason=reason, now=NOW)
    assert refused.value.message_dict["reason"] == ["Say why this work is skipped."]
    occurrence.refresh_from_db()
    assert occurrence.status == OccurrenceStatus.OPEN
    assert not AuditEntry.objects.for_object(occurrence).exists()


def test_skipping_keeps_the_reason_and_who_skipped(scene, personas):
    occurrence = make_occurrence(scene.content, assignee=personas.alice)
    do_skip_occurrence(personas.alice, occurrence, reason="  客户停业装修  ", now=NOW)
    occurrence.refresh_from_db()
    assert occurrence.status == OccurrenceStatus.SKIPPED
    assert occurrence.skip_reason == "客户停业装修"
    assert occurrence.completed_by == personas.alice
    assert occurrence.completed_at == NOW


def test_a_reason_with_control_characters_is_refused(scene, personas):
    occurrence = make_occurrence(scene.content, assignee=personas.alice)
    with pytest.raises(ValidationError) as refused:
        do_skip_occurrence(personas.alice, occurrence, reason="停\x00业", now=NOW)
    assert "reason" in refused.value.message_dict


def test_skipping_cancelled_work_is_refused(scene, personas):
    occurrence = make_occurrence(
        scene.content, assignee=personas.alice, status=OccurrenceStatus.CANCELLED
    )
    with pytest.raises(ValidationError) as refused:
        do_skip_occurrence(personas.alice, occurrence, reason="x", now=NOW)
    assert "cancelled" in refused.value.message_dict["status"][0]


def test_a_viewer_may_not_skip(scene, personas):
    occurrence = make_occurrence(scene.content, assignee=personas.alice)
    with pytest.raises(PermissionDenied):
        do_skip_occurrence(personas.vera, occurrence, reason="x", now=NOW)


def test_a_manager_reopens_a_wrong_completion_while_the_period_is_open(scene, personas):
    occurrence = make_occurrence(scene.content, assignee=personas.alice)
    do_complete_occurrence(personas.alice, occurrence, note="错点了", now=NOW)
    do_reopen_occurrence(personas.mia, occurrence, reason="未实际巡检", now=NOW)
    occurrence.refresh_from_db()
    assert occurrence.status == OccurrenceStatus.OPEN
    assert occurrence.completed_at is None
    assert occurrence.completed_by is None
    assert occurrence.note == "错点了"  # the record of what was written stays
    changes = AuditEntry.objects.for_object(occurrence).first().changes
    assert changes["status"] == ["done", "open"]
    assert changes["reopen_reason"] == ["", "未实际巡检"]


def test_the_team_lead_reopens_a_skip(scene, personas):
    team = Team.objects.create(name="巡检组", lead=personas.bob)
    occurrence = make_occurrence(scene.content, assignee=personas.alice, team=team)
    do_skip_occurrence(personas.alice, occurrence, reason="停业", now=NOW)
    do_reopen_occurrence(personas.bob, occurrence, now=NOW)
    occurrence.refresh_from_db()
    assert occurrence.status == OccurrenceStatus.OPEN
    assert occurrence.skip_reason == ""


def test_the_assignee_may_not_reopen_their_own_completion(scene, personas):
    occurrence = make_occurrence(scene.content, assignee=personas.alice)
    do_complete_occurrence(personas.alice, occurrence, now=NOW)
    with pytest.raises(PermissionDenied):
        do_reopen_occurrence(personas.alice, occurrence, now=NOW)


def test_after_the_period_ended_the_record_no_longer_changes(scene, personas):
    occurrence = make_occurrence(
        scene.content,
        assignee=personas.alice,
        period=(date(2026, 3, 1), TODAY - timedelta(days=1)),
        due_on=TODAY - timedelta(days=1),
    )
    do_complete_occurrence(personas.alice, occurrence, now=NOW - timedelta(days=2))
    with pytest.raises(ValidationError) as refused:
        do_reopen_occurrence(personas.mia, occurrence, now=NOW)
    assert "ended on 2026-03-10" in refused.value.message_dict["status"][0]
    occurrence.refresh_from_db()
    assert occurrence.status == OccurrenceStatus.DONE


@pytest.mark.parametrize("status", [OccurrenceStatus.OPEN, OccurrenceStatus.MISSED])
def test_only_done_or_skipped_work_is_reopened(scene, personas, status):
    occurrence = make_occurrence(scene.content, assignee=personas.alice, status=status)
    with pytest.raises(ValidationError):
        do_reopen_occurrence(personas.mia, occurrence, now=NOW)
