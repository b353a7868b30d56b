"""The built-in metric families; importing this package registers them (``MetricsConfig``)."""

from ..registry import register
from .csat import CsatFamily
from .routines import RoutinesFamily
from .sla import SlaFamily
from .tickets import TicketsFamily

register(TicketsFamily())
register(SlaFamily())
register(CsatFamily())
register(RoutinesFamily())
