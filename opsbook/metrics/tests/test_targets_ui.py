"""Organisation targets: managers set one per metric, overall or for one code of a dimension,
typed in the metric's display unit (a percentage for a rate, minutes or hours for a duration);
every change is audited; staff read them, customers never see them."""

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from opsbook.audit.models import AuditEntry
from opsbook.catalog.testing import make_item
from opsbook.metrics import access, services
from opsbook.metrics.models import Target

from .manual_fakes import fake_metrics, make_manual  # noqa: F401  (fake_metrics: a fixture)

# The fake family's metrics (fake.rate, fake.time, fake.count) are registered for each test.
pytestmark = pytest.mark.usefixtures("fake_metrics")


@pytest.fixture
def manager(client, personas):
    client.force_login(personas.mia)
    return client


def test_a_rate_target_is_typed_as_a_percentage_and_stored_as_a_fraction(manager):
    response = manager.post(
        reverse("metrics:targets"),
        {"metric": "fake.rate", "dimension": "", "value": "98.5", "direction": "at_least"},
    )
    assert response.status_code == 302
    target = Target.objects.get()
    assert (target.metric, target.dimension, target.code) == ("fake.rate", "", "")
    assert target.value == Decimal("0.985") and target.direction == "at_least"
    page = manager.get(reverse("metrics:targets")).content.decode()
    assert "≥ 98.5%" in page and "测试及时率" in page


def test_a_duration_target_is_typed_in_minutes_or_hours(manager):
    manager.post(
        reverse("metrics:targets"),
        {"metric": "fake.time", "value": "30", "scale": "minutes", "direction": "at_most"},
    )
    assert Target.objects.get().value == Decimal(1800)
    manager.post(
        reverse("metrics:targets"),
        {"metric": "fake.time", "value": "4", "scale": "hours", "direction": "at_most"},
    )
    assert Target.objects.get().value == Decimal(14400)  # replaced, not added
    assert "≤ 4 小时" in manager.get(reverse("metrics:targets")).content.decode()


def test_the_direction_defaults_to_the_good_one(personas):
    target, _c = services.do_set_target(personas.mia, metric="fake.time", value=600)
    assert target.direction == "at_most"
    target, _c = services.do_set_target(personas.mia, metric="fake.rate", value="0.9")
    assert target.direction == "at_least"


def test_a_target_for_one_code_of_a_dimension(manager, personas):
    item = make_item(code="SVC-0001", name="热线")
    form = manager.get(
        reverse("metrics:target_form"), {"metric": "fake.rate", "dimension": "item"}
    ).content.decode()
    assert "SVC-0001 热线" in form  # real codes offered
    response = manager.post(
        reverse("metrics:targets"),
        {"metric": "fake.rate", "dimension": "item", "code": item.code, "value": "95"},
    )
    assert response.status_code == 302
    target = Target.objects.get()
    assert (target.dimension, target.code, target.value) == ("item", "SVC-0001", Decimal("0.95"))
    manager.post(
        reverse("metrics:targets"),
        {
            "metric": "fake.rate",
            "dimension": "owner",
            "code": personas.alice.username,
            "value": "90",
        },
    )
    assert Target.objects.count() == 2


def test_bad_scopes_and_values_are_refused(personas):
    make_item(code="SVC-0001")
    cases: list[tuple[dict[str, Any], str]] = [
        ({"metric": "nope", "value": 1}, "metric"),
        ({"metric": "fake.rate", "value": "1.2"}, "value"),
        ({"metric": "fake.rate", "value": "0.9", "dimension": "item", "code": "SVC-9"}, "code"),
        ({"metric": "fake.rate", "value": "0.9", "dimension": "item"}, "code"),
        ({"metric": "fake.rate", "value": "0.9", "code": "SVC-0001"}, "dimension"),
        (
            {"metric": "fake.rate", "value": "0.9", "dimension": "priority", "code": "high"},
            "dimension",
        ),
        (
            {"metric": "fake.time", "value": "60", "dimension": "item", "code": "SVC-0001"},
            "dimension",
        ),
        ({"metric": "fake.count", "value": "-1"}, "value"),
        ({"metric": "fake.rate", "value": "0.9", "direction": "sideways"}, "direction"),
    ]
    for values, field in cases:
        with pytest.raises(ValidationError) as exc:
            services.do_set_target(personas.mia, **values)
        assert field in exc.value.message_dict, values
    assert not Target.objects.exists()


def test_the_page_shows_a_bad_value_on_the_form(manager):
    response = manager.post(reverse("metrics:targets"), {"metric": "fake.rate", "value": "120"})
    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode()
    assert not Target.objects.exists()


def test_targets_are_audited(personas):
    target, created = services.do_set_target(personas.mia, metric="fake.rate", value="0.9")
    assert created
    services.do_set_target(personas.mia, metric="fake.rate", value="0.95", note="2027 年")
    services.do_set_target(personas.mia, metric="fake.rate", value="0.95", note="2027 年")
    pk = target.pk
    services.do_delete_target(personas.mia, Target.objects.get())
    actions = list(
        AuditEntry.objects.filter(object_type="metrics.target", object_id=str(pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "update", "delete"]
    change = AuditEntry.objects.get(object_type="metrics.target", action="update")
    assert change.changes["value"] == ["0.9", "0.95"]


def test_only_managers_set_targets(client, personas):
    with pytest.raises(PermissionDenied):
        services.do_set_target(personas.alice, metric="fake.rate", value="0.9")
    target, _c = services.do_set_target(personas.mia, metric="fake.rate", value="0.9")
    client.force_login(personas.vera)
    page = client.get(reverse("metrics:targets"))
    assert page.status_code == 200 and "90%" in page.content.decode()
    assert 'id="new-target"' not in page.content.decode()
    assert (
        client.post(reverse("metrics:targets"), {"metric": "fake.rate", "value": "1"}).status_code
        == 403
    )
    assert client.get(reverse("metrics:target_edit", args=[target.pk])).status_code == 403
    assert client.post(reverse("metrics:target_delete", args=[target.pk])).status_code == 403
    client.force_login(personas.dana)
    for url in (
        reverse("metrics:targets"),
        reverse("metrics:target_edit", args=[target.pk]),
        reverse("metrics:target_form"),
    ):
        assert client.get(url).status_code == 404
    assert Target.objects.get().value == Decimal("0.9")


def test_a_target_is_edited_and_deleted(manager, personas):
    target, _c = services.do_set_target(personas.mia, metric="fake.time", value=1800)
    page = manager.get(reverse("metrics:target_edit", args=[target.pk])).content.decode()
    assert 'value="30"' in page  # minutes
    response = manager.post(
        reverse("metrics:target_edit", args=[target.pk]),
        {"metric": "fake.rate", "value": "45", "scale": "minutes", "direction": "at_most"},
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.metric, target.value) == ("fake.time", Decimal(2700))  # the metric stays
    manager.post(reverse("metrics:target_delete", args=[target.pk]))
    assert not Target.objects.exists()
    assert manager.get(reverse("metrics:target_edit", args=[target.pk])).status_code == 404


def test_manual_metrics_take_targets_too(personas, db):
    make_manual("signups")
    target, _c = services.do_set_target(personas.mia, metric="manual.signups", value=1000)
    assert target.direction == "at_least"


def test_a_percentage_keeps_two_decimal_places(manager):
    response = manager.post(reverse("metrics:targets"), {"metric": "fake.rate", "value": "98.125"})
    assert "2" in response.content.decode() and "invalid-feedback" in response.content.decode()
    assert not Target.objects.exists()


def test_the_page_offers_every_metric_of_the_registry(manager):
    page = manager.get(reverse("metrics:targets")).content.decode()
    assert 'value="fake.rate"' in page
    assert 'value="sla.response.met_rate"' in page  # a built-in metric of the engine


def test_every_dimension_offers_its_real_codes(personas):
    make_item(code="SVC-0001")
    personas.customer_a  # noqa: B018  (created on first use)
    personas.alice  # noqa: B018
    expected = {
        "item": "SVC-0001",
        "channel": "phone",
        "type": "complaint",
        "priority": "urgent",
        "team": "客服部",
        "owner": "alice",
        "customer": "xinghuo",
        "hour": "09",
    }
    for dimension, code in expected.items():
        codes = [c for c, _label in access.dimension_values(dimension)]
        assert code in codes, dimension
        assert access.dimension_code_exists(dimension, code), dimension
        assert not access.dimension_code_exists(dimension, "no-such-code"), dimension
    category_codes = [c for c, _label in access.dimension_values("category")]
    assert category_codes and all(category_codes)
