"""Checklist KPIs with a metric and a target are goals too: mirrored, read-only here, kept in
step by sync_kpi_goals (idempotent, audited as the system)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from opsbook.audit.models import AuditEntry
from opsbook.catalog.models import Kpi
from opsbook.catalog.testing import make_content, make_item
from opsbook.goals import services
from opsbook.goals.models import Goal
from opsbook.metrics import targets

from .conftest import NOW, RATE
from .helpers import client_for

pytestmark = pytest.mark.django_db


def make_kpi(item, **values) -> Kpi:
    base = dict(
        name="首次响应及时率",
        text="首次响应及时率≥98%",
        target=Decimal("98"),
        unit="%",
        metric=RATE.key,
    )
    return Kpi.objects.create(item=item, **(base | values))


def test_a_kpi_with_a_metric_and_a_target_becomes_a_goal_of_the_year(personas, fake_metric):
    item = make_item(personas.alice)
    kpi = make_kpi(item)
    make_kpi(item, name="服务态度良好", text="服务态度良好", target=None, metric="")  # qualitative
    make_kpi(item, name="回访", text="回访", metric="")  # no metric

    result = services.sync_kpi_goals(NOW)

    assert (result.created, result.updated, result.deleted) == (1, 0, 0)
    goal = Goal.objects.get()
    assert goal.kpi == kpi and goal.title == "首次响应及时率"
    assert goal.metric == RATE.key and goal.scope == {"item": item.code}
    assert goal.target == pytest.approx(0.98) and goal.direction == "at_least"
    assert (goal.start, goal.deadline) == (date(2026, 1, 1), date(2026, 12, 31))
    assert goal.owner == personas.alice
    assert AuditEntry.objects.for_object(goal).get().action == "create"


def test_a_second_sync_changes_nothing_and_a_changed_kpi_updates_its_goal(personas, fake_metric):
    kpi = make_kpi(make_item(personas.alice))
    services.sync_kpi_goals(NOW)

    again = services.sync_kpi_goals(NOW)
    assert (again.created, again.updated, again.deleted) == (0, 0, 0)

    Kpi.objects.filter(pk=kpi.pk).update(target=Decimal("95"), direction="at_least")
    changed = services.sync_kpi_goals(NOW)

    assert changed.updated == 1
    assert Goal.objects.get().target == pytest.approx(0.95)


def test_a_kpi_that_loses_its_target_or_is_deleted_takes_its_goal_along(personas, fake_metric):
    first = make_kpi(make_item(personas.alice))
    second = make_kpi(make_item(personas.bob, name="投诉处理"))
    services.sync_kpi_goals(NOW)
    assert Goal.objects.count() == 2

    Kpi.objects.filter(pk=first.pk).update(target=None)
    second.delete()
    result = services.sync_kpi_goals(NOW)

    assert result.deleted == 1 and not Goal.objects.exists()


def test_a_kpi_on_content_is_scoped_to_the_content_and_owned_by_its_owner(personas, fake_metric):
    item = make_item(personas.alice)
    content = make_content(item, personas.bob)
    fake_metric_dims = RATE.dimensions
    assert "content" not in fake_metric_dims  # the fake metric is cut by item, not content
    make_kpi(item, content=content)

    services.sync_kpi_goals(NOW)

    goal = Goal.objects.get()
    assert goal.scope == {"item": item.code} and goal.owner == personas.bob


def test_the_checklists_first_metric_names_are_translated(personas, fake_metric, monkeypatch):
    monkeypatch.setitem(targets.LEGACY_KPI_KEYS, "response_on_time", RATE.key)
    monkeypatch.setitem(targets.LEGACY_KPI_KEYS, "error_rate", "no.such.metric")
    make_kpi(make_item(personas.alice), metric="response_on_time")
    make_kpi(make_item(personas.alice, name="别的服务"), metric="error_rate")  # no registry metric

    services.sync_kpi_goals(NOW)

    assert list(Goal.objects.values_list("metric", flat=True)) == [RATE.key]


def test_a_mirrored_goal_is_read_only_here(personas, fake_metric):
    item = make_item(personas.alice)
    make_kpi(item)
    services.sync_kpi_goals(NOW)
    goal = Goal.objects.get()

    with pytest.raises(ValidationError):
        services.do_update_goal(personas.mia, goal, {"target": 0.5})
    with pytest.raises(ValidationError):
        services.do_add_checkpoint(personas.mia, goal, day=date(2026, 12, 1), expected=0.97)
    response = client_for(personas.mia).get(f"/goals/{goal.pk}/edit/")
    assert response.status_code == 302 and response["Location"] == f"/catalog/items/{item.pk}/"
    page = client_for(personas.mia).get(f"/goals/{goal.pk}/").content.decode()
    assert 'id="edit-in-checklist"' in page and 'id="edit-goal"' not in page


def test_refresh_goals_mirrors_and_evaluates_everything(personas, fake_metric):
    fake_metric.values["2026-10"] = 0.99
    make_kpi(make_item(personas.alice))

    assert services.refresh_goals(NOW) == 1

    goal = Goal.objects.get()
    assert goal.status == "achieved" and goal.current_value == 0.99
