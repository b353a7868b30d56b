from datetime import UTC, datetime
from decimal import Decimal

import pytest

from opsbook.catalog.models import Kpi
from opsbook.catalog.testing import make_content, make_item
from opsbook.metrics import engine, targets
from opsbook.metrics.models import Target
from opsbook.metrics.periods import month

from .helpers import at, ticket

pytestmark = pytest.mark.django_db
NOV = month(2026, 11)
NOW = datetime(2027, 1, 10, tzinfo=UTC)


def test_organisation_targets_overall_and_per_code():
    Target.objects.create(metric="sla.response.met_rate", value=Decimal("0.95"))
    Target.objects.create(
        metric="sla.response.met_rate", dimension="channel", code="phone", value=Decimal("0.98")
    )
    Target.objects.create(metric="tickets.backlog", value=Decimal("10"), direction="at_most")
    assert targets.target_for("sla.response.met_rate", {}) == targets.TargetValue(
        0.95, "at_least", "organisation"
    )
    phone = targets.target_for("sla.response.met_rate", {"channel": "phone"})
    assert phone is not None and phone.value == 0.98
    # A code without its own target falls back to the organisation's.
    email = targets.target_for("sla.response.met_rate", {"channel": "email"})
    assert email is not None and email.value == 0.95
    assert targets.target_for("tickets.created", {}) is None
    backlog = targets.target_for("tickets.backlog", {})
    assert targets.status(10, backlog) == "met" and targets.status(11, backlog) == "missed"
    assert targets.status(None, backlog) is None and targets.status(3, None) is None


def test_a_kpi_on_an_item_or_content_is_its_target_in_the_metric_s_unit():
    item = make_item(code="HOT")
    content = make_content(item, code="HOT-1")
    Kpi.objects.create(
        item=item, name="首次响应及时率", unit="%", target=Decimal("98"),
        metric="sla.response.met_rate",
    )  # fmt: skip
    Kpi.objects.create(  # a legacy metric code, in minutes
        item=item, content=content, name="平均处理时长", unit="分钟", target=Decimal("30"),
        metric="mean_handling_minutes", direction="at_most",
    )  # fmt: skip
    found = targets.target_for("sla.response.met_rate", {"item": "HOT"})
    assert found is not None and found.value == pytest.approx(0.98)
    assert found.source.startswith("kpi:")
    handling = targets.target_for("tickets.resolution_time.mean", {"content": "HOT-1"})
    assert handling is not None
    assert (handling.value, handling.direction) == (1800.0, "at_most")
    assert targets.target_for("sla.response.met_rate", {"item": "OTHER"}) is None


def test_figures_carry_their_target_and_status():
    Target.objects.create(metric="sla.response.met_rate", value=Decimal("0.9"))
    ticket(at(2026, 11, 2), first_response_at=at(2026, 11, 2, 13), response_due_at=at(2026, 11, 3))
    ticket(
        at(2026, 11, 2), channel="email", response_due_at=at(2026, 11, 3), response_breached=True
    )
    f = engine.evaluate(["sla.response.met_rate"], NOV, by="channel", now=NOW).figures[
        "sla.response.met_rate"
    ]
    assert (f.value, f.target, f.status) == (0.5, 0.9, "missed")
    assert f.by is not None
    assert (f.by["phone"].value, f.by["phone"].status) == (1.0, "met")
    assert f.as_json()["by"]["email"]["status"] == "missed"
