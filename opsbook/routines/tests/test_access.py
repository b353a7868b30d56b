"""Who sees which routine work: managers, admins and viewers all of it, agents their own, their
team's and the teams they lead, customers none."""

import pytest
from django.http import Http404

from opsbook.accounts.models import Team
from opsbook.routines.access import (
    can_act_on,
    can_reopen,
    get_occurrence_for_user,
    occurrences_for_user,
)

from . import ui_helpers
from .ui_helpers import make_occurrence

scene = ui_helpers.scene  # fixtures

pytestmark = pytest.mark.django_db


@pytest.fixture
def work(scene, personas):
    lead_team = Team.objects.create(name="夜班", lead=personas.charlie)
    return {
        "alices": make_occurrence(scene.content, assignee=personas.alice, index=1),
        "owned_by_bob": make_occurrence(
            scene.content, assignee=None, owners=[personas.bob], team=None, index=2
        ),
        "charlies": make_occurrence(scene.other_content, assignee=personas.charlie, index=1),
        "led_by_charlie": make_occurrence(
            scene.content, assignee=personas.erin, team=lead_team, index=3
        ),
    }


def _seen(user):
    return set(occurrences_for_user(user).values_list("pk", flat=True))


@pytest.mark.parametrize("who", ["erin", "mia", "vera"])
def test_admins_managers_and_viewers_see_everything(personas, work, who):
    assert _seen(getattr(personas, who)) == {o.pk for o in work.values()}


def test_an_agent_sees_their_own_their_teams_and_what_they_own(personas, work):
    assert _seen(personas.alice) == {work["alices"].pk}
    # Bob is on Alice's team (so sees hers) and owns the second one (which has no team).
    assert _seen(personas.bob) == {work["alices"].pk, work["owned_by_bob"].pk}


def test_a_team_lead_sees_the_work_of_the_teams_they_lead(personas, work):
    assert _seen(personas.charlie) == {work["charlies"].pk, work["led_by_charlie"].pk}


@pytest.mark.parametrize("who", ["dana", "carl"])
def test_customers_see_none(personas, work, who):
    assert _seen(getattr(personas, who)) == set()
    with pytest.raises(Http404):
        get_occurrence_for_user(getattr(personas, who), work["alices"].pk)


def test_outside_the_scope_it_is_a_404(personas, work):
    with pytest.raises(Http404):
        get_occurrence_for_user(personas.charlie, work["alices"].pk)
    with pytest.raises(Http404):
        get_occurrence_for_user(personas.alice, "not-a-number")


def test_a_teammate_sees_but_does_not_act(personas, work):
    # Bob sees Alice's work through the team but neither owns it nor is assigned.
    assert not can_act_on(personas.bob, work["alices"])
    assert can_act_on(personas.alice, work["alices"])
    assert can_act_on(personas.charlie, work["led_by_charlie"])
    assert not can_act_on(personas.vera, work["alices"])


def test_reopening_is_for_managers_and_team_leads(personas, work):
    assert can_reopen(personas.mia, work["alices"])
    assert can_reopen(personas.charlie, work["led_by_charlie"])
    assert not can_reopen(personas.alice, work["alices"])
    assert not can_reopen(personas.vera, work["alices"])
