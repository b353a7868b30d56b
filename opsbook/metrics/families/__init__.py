"""The built-in metric families; importing this package registers them (``MetricsConfig``).
Manual metrics (``manual``) register themselves when imported."""

from ..registry import register
from . import manual  # noqa: F401
from .csat import CsatFamily
from .routines import RoutinesFamily
from .sla import SlaFamily
from .tickets import TicketsFamily

register(TicketsFamily())
register(SlaFamily())
register(CsatFamily())
register(RoutinesFamily())
