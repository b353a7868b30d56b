from django import template

from opsbook.tickets.choices import Status

register = template.Library()

BADGES: dict[str, str] = {
    Status.NEW: "text-bg-primary",
    Status.ACKNOWLEDGED: "text-bg-info",
    Status.IN_PROGRESS: "text-bg-info",
    Status.WAITING: "text-bg-warning",
    Status.RESOLVED: "text-bg-success",
    Status.CLOSED: "text-bg-secondary",
    Status.CANCELLED: "text-bg-light",
}


@register.filter
def status_badge(status: str) -> str:
    """The Bootstrap badge class for a ticket status."""
    return BADGES.get(status, "text-bg-secondary")
