"""The demo's thirteen months of history: a plausible, seasonal volume of finished tickets with
stored SLA values, loaded once, the same every time."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Count, F
from django.db.models.functions import TruncMonth

from opsbook.demo.loader import load_demo
from opsbook.metrics.models import Snapshot
from opsbook.tickets.demo import HISTORY_MARK, load_demo_history
from opsbook.tickets.models import FollowUp, Ticket, TicketEvent

NOW = datetime(2026, 12, 6, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
pytestmark = pytest.mark.django_db


def _history():
    return Ticket.objects.filter(external_id__startswith=HISTORY_MARK)


def test_the_demo_has_thirteen_months_of_history_before_this_month(time_machine):
    time_machine.move_to(NOW, tick=False)
    load_demo()

    months = dict(
        _history()
        .annotate(month=TruncMonth("created_at", tzinfo=ZoneInfo("Asia/Shanghai")))
        .values_list("month")
        .annotate(count=Count("id"))
    )
    full = {m: c for m, c in months.items() if m.month != 12 or m.year != 2026}

    assert len(full) == 13 and min(full).date().isoformat() == "2025-11-01"
    assert all(150 <= count <= 400 for count in full.values()), full
    # Quieter at the Spring Festival and the National Day week than at the start of term.
    by_month = {(m.year, m.month): c for m, c in full.items()}
    assert by_month[(2026, 2)] < by_month[(2026, 3)]
    assert by_month[(2026, 10)] < by_month[(2026, 9)]
    history = _history()
    assert history.filter(type="complaint").exists()
    assert history.filter(rating__isnull=False).exists()
    assert history.filter(reopened_count=1).exists()
    assert history.filter(response_breached=True).exists()
    assert not history.filter(response_business_seconds__isnull=True, status="closed").exists()
    assert FollowUp.objects.filter(ticket__in=history).exists()
    assert not TicketEvent.objects.filter(at__gt=NOW).exists()
    # The metrics read a ticket's status at a period's end from its row when it was not updated
    # since: no event of the history is later than its ticket's last update.
    assert not TicketEvent.objects.filter(
        ticket__in=history, at__gt=F("ticket__updated_at")
    ).exists()
    # The dashboards find the past months closed, and this month's figures so far.
    closed = Snapshot.objects.filter(metric="tickets.created", dimension="", final=True)
    assert closed.count() == 13
    shanghai = ZoneInfo("Asia/Shanghai")
    november = Ticket.objects.filter(
        created_at__gte=datetime(2026, 11, 1, tzinfo=shanghai),
        created_at__lt=datetime(2026, 12, 1, tzinfo=shanghai),
    )
    assert closed.get(period_start=date(2026, 11, 1)).value == november.count()
    assert Snapshot.objects.filter(period_start=date(2026, 12, 1), final=False).exists()


def test_the_history_is_loaded_once_and_is_the_same_every_time(time_machine):
    time_machine.move_to(NOW, tick=False)
    load_demo(snapshots=False)
    first = list(_history().order_by("external_id").values_list("created_at", "status", "rating"))

    assert load_demo_history(NOW) == 0
    _history().delete()
    load_demo_history(NOW)

    again = list(_history().order_by("external_id").values_list("created_at", "status", "rating"))
    assert again == first
