"""Table-wide reads of tickets. SLA states are decided from stored columns and ``now``."""

from datetime import datetime, timedelta

from django.db import models
from django.db.models import Q

from .choices import (
    DONE_STATUSES,
    OPEN_STATUSES,
    PAUSED_STATUSES,
    RUNNING_STATUSES,
    SlaState,
    Status,
)

MET_STATUSES = (Status.RESOLVED, Status.CLOSED)


def _running() -> Q:
    return Q(status__in=RUNNING_STATUSES)


def breached_q(now: datetime) -> Q:
    """Breached already, or a running clock past its due time (before the job noticed)."""
    return (
        Q(response_breached=True)
        | Q(resolution_breached=True)
        | (_running() & Q(first_response_at__isnull=True, response_due_at__lt=now))
        | (_running() & Q(resolution_due_at__lt=now))
    )


def warning_q(now: datetime) -> Q:
    return (
        _running()
        & (
            Q(first_response_at__isnull=True, response_warn_at__lte=now)
            | Q(resolution_warn_at__lte=now)
        )
        & ~breached_q(now)
    )


def has_target_q() -> Q:
    """Measured against a target (cancelled tickets are not measured)."""
    return (
        Q(response_target_seconds__isnull=False) | Q(resolution_target_seconds__isnull=False)
    ) & ~Q(status=Status.CANCELLED)


def no_clock_q() -> Q:
    """Not cancelled, yet measured against nothing: no standard and no default applies."""
    return Q(response_target_seconds__isnull=True, resolution_target_seconds__isnull=True) & ~Q(
        status=Status.CANCELLED
    )


def sla_state_q(state: str, now: datetime) -> Q:
    if state == SlaState.NONE:
        return Q(status=Status.CANCELLED)
    if state == SlaState.NO_CLOCK:
        return no_clock_q()
    if state == SlaState.BREACHED:
        return has_target_q() & breached_q(now)
    if state == SlaState.WARNING:
        return has_target_q() & warning_q(now)
    if state == SlaState.PAUSED:
        return has_target_q() & Q(status__in=PAUSED_STATUSES) & ~breached_q(now)
    if state == SlaState.MET:
        return has_target_q() & Q(status__in=MET_STATUSES) & ~breached_q(now)
    if state == SlaState.OK:
        return has_target_q() & _running() & ~breached_q(now) & ~warning_q(now)
    raise ValueError(f"Unknown SLA state {state!r}")


class TicketQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def running(self):
        return self.filter(status__in=RUNNING_STATUSES)

    def done(self):
        return self.filter(status__in=DONE_STATUSES)

    def in_sla_state(self, state: str, now: datetime):
        return self.filter(sla_state_q(state, now))

    def breaching(self, now: datetime):
        return self.filter(has_target_q() & breached_q(now))

    def sla_due_for_check(self, now: datetime):
        """Open tickets whose next warning or breach moment has come."""
        return self.filter(sla_next_check_at__lte=now)


# --- follow-up visits owed (FollowUpTask) ------------------------------------------------------


class FollowUpTaskQuerySet(models.QuerySet):
    """Follow-up visits (回访) someone owes. Open: neither done nor cancelled."""

    def open(self):
        return self.filter(done_at__isnull=True, cancelled_at__isnull=True)

    def open_for(self, user):
        """The open ones ``user`` owns (their own work; unowned ones are the managers' queue)."""
        return self.open().filter(owner=user)

    def unowned(self):
        """Nobody owns them: the managers' queue."""
        return self.filter(owner__isnull=True)

    def of_team(self, team_id: int):
        """Those of the tickets of a team (a lead's or manager's view of the team's work)."""
        return self.filter(ticket__team_id=team_id)

    def overdue(self, now: datetime):
        """Open and past their due time."""
        return self.open().filter(due_at__lt=now)

    def reminder_candidates(self, now: datetime):
        """Open, not yet reminded, and due within a day: the job decides which of them have
        reached their due day on their own calendar."""
        return self.open().filter(reminded_at__isnull=True, due_at__lte=now + timedelta(days=1))

    def due_for_escalation(self, now: datetime):
        return self.overdue(now).filter(escalated_at__isnull=True)
