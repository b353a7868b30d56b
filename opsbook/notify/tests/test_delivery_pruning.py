"""The outbox's housekeeping deletes old sent and failed deliveries, never ones still to send."""

from datetime import UTC, datetime, timedelta

import pytest

from opsbook.notify.choices import DeliveryStatus
from opsbook.notify.delivery import prune_deliveries
from opsbook.notify.models import Delivery
from opsbook.notify.testing import make_channel, make_delivery

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 10, 8, 1, 0, tzinfo=UTC)


def test_old_sent_and_failed_rows_go_and_the_rest_stay(settings):
    settings.NOTIFY_SENT_KEEP_DAYS = 30
    settings.NOTIFY_FAILED_KEEP_DAYS = 90
    channel = make_channel("wecom")
    old, older = NOW - timedelta(days=31), NOW - timedelta(days=91)
    rows = {
        "old sent": make_delivery(channel, status=DeliveryStatus.SENT, now=old),
        "new sent": make_delivery(channel, status=DeliveryStatus.SENT, now=NOW),
        "old failed": make_delivery(channel, status=DeliveryStatus.FAILED, now=old),
        "older failed": make_delivery(channel, status=DeliveryStatus.FAILED, now=older),
        "old pending": make_delivery(channel, status=DeliveryStatus.PENDING, now=older),
        "old retrying": make_delivery(channel, status=DeliveryStatus.RETRYING, now=older),
        "old sending": make_delivery(channel, status=DeliveryStatus.SENDING, now=older),
    }
    assert prune_deliveries(NOW) == {"sent": 1, "failed": 1}
    left = set(Delivery.objects.values_list("pk", flat=True))
    assert left == {
        rows[name].pk
        for name in ("new sent", "old failed", "old pending", "old retrying", "old sending")
    }
    assert prune_deliveries(NOW) == {"sent": 0, "failed": 0}
