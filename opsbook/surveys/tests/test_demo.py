from datetime import UTC, datetime

import pytest

from opsbook.accounts.demo import load_people
from opsbook.metrics.periods import month
from opsbook.metrics.registry import Windows
from opsbook.surveys import demo
from opsbook.surveys.metrics import FAMILY, NPS, RESPONSE_RATE
from opsbook.surveys.models import Campaign, Invitation, Response

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 20, 2, tzinfo=UTC)


def test_the_demo_has_thirteen_months_of_campaigns_and_loads_once():
    people = load_people()
    added = demo.load(NOW, people.users["manager"])
    assert Campaign.objects.count() == 13
    assert added == 12 * 2 + 1
    assert Response.objects.count() == added
    # This month's campaign is still open for one contact.
    assert Invitation.objects.filter(responded_at__isnull=True).count() == 1
    assert demo.load(NOW, people.users["manager"]) == 0
    assert Campaign.objects.count() == 13
    results = FAMILY.compute(
        [NPS, RESPONSE_RATE], Windows.of(month(2026, 11)), by=None, scope={}, now=NOW
    )
    for window in ("current", "previous", "last_year"):
        assert results[NPS][window][None].value is not None
    assert results[RESPONSE_RATE]["current"][None].value == pytest.approx(0.5)
