"""Who sees and changes problems and actions: staff read, managers write, agents their own,
viewers read only, customers nothing; tickets only as far as one may see them."""

import pytest
from django.http import Http404

from opsbook.problems import access, services

from .factories import NOW, at, ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def problem(personas):
    return services.do_create_problem(personas.mia, title="x", owner=personas.alice, now=NOW)


def test_staff_read_customers_never(personas, problem):
    for who in (personas.erin, personas.mia, personas.alice, personas.charlie, personas.vera):
        assert access.get_problem_for_user(who, problem.pk) == problem
    for who in (personas.dana, personas.carl):
        assert not access.can_view_problems(who)
        with pytest.raises(Http404):
            access.get_problem_for_user(who, problem.pk)
        assert not access.tickets_for_user(who).exists()


def test_who_edits(personas, problem):
    action = services.do_create_action(personas.mia, problem=problem, title="a", now=NOW)
    other = services.do_create_action(personas.mia, title="b", owner=personas.bob, now=NOW)
    assert access.can_edit_problem(personas.mia, problem)
    assert access.can_edit_problem(personas.alice, problem)
    assert not access.can_edit_problem(personas.bob, problem)
    assert not access.can_edit_problem(personas.vera, problem)
    assert access.can_edit_action(personas.alice, action)  # she owns its problem
    assert not access.can_edit_action(personas.alice, other)
    assert access.can_edit_action(personas.bob, other)
    assert not access.can_add_action(personas.alice, None)
    assert access.can_add_action(personas.mia, None)


def test_linked_tickets_are_listed_only_where_visible(personas):
    mine = ticket(at(2026, 11, 2), team=personas.support_team)
    theirs = ticket(at(2026, 11, 2), team=personas.tech_team)
    problem = services.do_create_problem(None, title="x", tickets=[mine, theirs], now=NOW)
    assert list(access.linked_tickets_for_user(personas.alice, problem)) == [mine]
    assert set(access.linked_tickets_for_user(personas.vera, problem)) == {mine, theirs}
