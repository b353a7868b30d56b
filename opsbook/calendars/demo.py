"""Demo calendar: the China business calendar (statutory holidays and 调休) that SLA clocks
run on, synced from the bundled official data."""

from opsbook.accounts.models import User
from opsbook.calendars.services import do_sync_china_calendar


def load_calendar(actor: User) -> None:
    """Create or bring up to date the China business calendar, written by ``actor``."""
    do_sync_china_calendar(actor=actor, source="demo")
