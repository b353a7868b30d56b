"""The one clock. Services, jobs and tasks take ``now`` as an argument; where nobody passed one
they read it here, never ``timezone.now()`` directly, so that a test freezes or moves time in
one place (time-machine patches the clocks underneath, and ``now()`` is the only caller)."""

from datetime import date, datetime

from django.utils import timezone


def now() -> datetime:
    """The current instant, aware, in UTC."""
    return timezone.now()


def or_now(value: datetime | None) -> datetime:
    """``value`` when the caller gave one, else the clock's current instant."""
    return value if value is not None else now()


def localtime(value: datetime | None = None) -> datetime:
    """``value`` (the clock's current instant when None) in the active time zone: the user's
    for a request, the site's otherwise."""
    return timezone.localtime(or_now(value))


def localdate(value: datetime | None = None) -> date:
    """Today (or ``value``'s date) in the active time zone."""
    return timezone.localdate(or_now(value))
