"""On-demand work made by hand or from a ticket, and reassigning open work."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from opsbook.catalog.choices import Status
from opsbook.routines.choices import OccurrenceStatus, Source
from opsbook.routines.models import Occurrence
from opsbook.routines.services import do_create_occurrence, do_reassign_occurrence
from opsbook.routines.testing import make_office_calendar, make_routine
from opsbook.sops.testing import make_procedure
from opsbook.tickets.tests.factories import make_ticket

from . import ui_helpers
from .ui_helpers import NOW, TODAY, make_occurrence

scene = ui_helpers.scene  # fixtures

pytestmark = pytest.mark.django_db


def test_it_goes_to_the_primary_owner_with_the_contents_owners(scene, personas):
    occurrence = do_create_occurrence(
        personas.alice, scene.on_demand, due_on=TODAY + timedelta(days=2), note="客户来电", now=NOW
    )
    assert occurrence.source == Source.MANUAL
    assert occurrence.status == OccurrenceStatus.OPEN
    assert occurrence.assignee == personas.alice
    assert list(occurrence.owners.all()) == [personas.alice]
    assert occurrence.team == personas.alice.team
    assert occurrence.due_on == TODAY + timedelta(days=2)
    assert occurrence.period_start == TODAY
    assert occurrence.period_end == TODAY + timedelta(days=2)
    assert occurrence.note == "客户来电"


def test_without_a_calendar_it_is_due_at_the_end_of_the_day(scene, personas):
    occurrence = do_create_occurrence(personas.mia, scene.on_demand, due_on=TODAY, now=NOW)
    # midnight at the end of the day in Shanghai
    assert occurrence.due_at == datetime(2026, 3, 11, 16, 0, tzinfo=UTC)


def test_with_a_calendar_it_is_due_at_the_end_of_the_working_day(scene, personas):
    make_office_calendar()  # the default: 09:00–12:00 and 13:30–18:00, Shanghai
    occurrence = do_create_occurrence(personas.mia, scene.on_demand, due_on=TODAY, now=NOW)
    assert occurrence.due_at == datetime(2026, 3, 11, 10, 0, tzinfo=UTC)  # 18:00 in Shanghai
    holiday = do_create_occurrence(personas.mia, scene.on_demand, due_on=date(2026, 10, 1), now=NOW)
    assert holiday.due_at == datetime(2026, 10, 1, 16, 0, tzinfo=UTC)  # no hours: end of day


def test_a_content_owned_by_a_team_goes_to_its_lead(scene, personas):
    team = personas.tech_team
    team.lead = personas.charlie
    team.save()
    content = make_routine(team, frequency_text="按需")
    occurrence = do_create_occurrence(personas.mia, content, due_on=TODAY, now=NOW)
    assert occurrence.assignee == personas.charlie
    assert occurrence.team == team


def test_recurring_content_gets_an_extra_time(scene, personas):
    extra = do_create_occurrence(personas.mia, scene.content, due_on=TODAY, now=NOW)
    again = do_create_occurrence(personas.mia, scene.content, due_on=TODAY, now=NOW)
    assert extra.pk != again.pk
    assert Occurrence.objects.filter(content=scene.content, source=Source.MANUAL).count() == 2


def test_from_a_ticket_it_is_linked_to_the_ticket(scene, personas):
    ticket = make_ticket(personas.alice, scene.item)
    occurrence = do_create_occurrence(
        personas.alice, scene.on_demand, due_on=TODAY, ticket=ticket, assignee=personas.bob, now=NOW
    )
    assert occurrence.source == Source.TICKET
    assert occurrence.ticket == ticket
    assert occurrence.assignee == personas.bob


def test_content_of_another_item_than_the_tickets_is_refused(scene, personas):
    ticket = make_ticket(personas.alice, scene.item)
    with pytest.raises(ValidationError) as refused:
        do_create_occurrence(
            personas.mia, scene.other_content, due_on=TODAY, ticket=ticket, now=NOW
        )
    assert "ticket's service item" in refused.value.message_dict["content"][0]


def test_a_due_day_in_the_past_is_refused(scene, personas):
    with pytest.raises(ValidationError) as refused:
        do_create_occurrence(
            personas.mia, scene.on_demand, due_on=TODAY - timedelta(days=1), now=NOW
        )
    assert refused.value.message_dict["due_on"] == ["The due day cannot be in the past."]
    assert not Occurrence.objects.exists()


def test_retired_content_gets_no_new_work(scene, personas):
    scene.on_demand.status = Status.RETIRED
    scene.on_demand.save()
    with pytest.raises(ValidationError):
        do_create_occurrence(personas.mia, scene.on_demand, due_on=TODAY, now=NOW)


def test_a_viewer_cannot_be_given_work(scene, personas):
    with pytest.raises(ValidationError) as refused:
        do_create_occurrence(
            personas.mia, scene.on_demand, due_on=TODAY, assignee=personas.vera, now=NOW
        )
    assert "assignee" in refused.value.message_dict


@pytest.mark.parametrize("who", ["charlie", "vera", "dana"])
def test_people_who_do_not_own_the_content_may_not_create_work(scene, personas, who):
    with pytest.raises(PermissionDenied):
        do_create_occurrence(getattr(personas, who), scene.on_demand, due_on=TODAY, now=NOW)


def test_someone_working_the_ticket_may_create_work_from_it(scene, personas):
    ticket = make_ticket(personas.mia, scene.item, assignee=personas.charlie)
    occurrence = do_create_occurrence(
        personas.charlie, scene.on_demand, due_on=TODAY, ticket=ticket, now=NOW
    )
    assert occurrence.ticket == ticket


def test_reassigning_gives_the_work_to_someone_else(scene, personas):
    occurrence = make_occurrence(scene.content, assignee=personas.alice)
    do_reassign_occurrence(personas.alice, occurrence, personas.bob, now=NOW)
    occurrence.refresh_from_db()
    assert occurrence.assignee == personas.bob


def test_an_outsider_may_not_reassign(scene, personas):
    occurrence = make_occurrence(scene.content, assignee=personas.alice)
    with pytest.raises(PermissionDenied):
        do_reassign_occurrence(personas.charlie, occurrence, personas.charlie, now=NOW)


def test_done_work_is_not_reassigned(scene, personas):
    occurrence = make_occurrence(
        scene.content, assignee=personas.alice, status=OccurrenceStatus.DONE, completed_at=NOW
    )
    with pytest.raises(ValidationError):
        do_reassign_occurrence(personas.mia, occurrence, personas.bob, now=NOW)


def test_work_made_by_hand_starts_its_contents_procedure_on_the_due_morning(scene, personas):
    make_office_calendar()  # 09:00–12:00 and 13:30–18:00, Shanghai
    procedure = make_procedure("上门服务流程")
    procedure.contents.add(scene.on_demand)

    occurrence = do_create_occurrence(
        personas.mia, scene.on_demand, due_on=TODAY + timedelta(days=1), now=NOW
    )

    run = occurrence.sop_run
    assert run is not None and run.version.procedure == procedure
    assert run.started_at == datetime(2026, 3, 12, 1, 0, tzinfo=UTC)  # 09:00 the next day
    first = run.step_runs.order_by("step__position").first()
    assert first is not None and first.due_at == datetime(
        2026, 3, 12, 1, 30, tzinfo=UTC
    )  # 30 business minutes on
