"""Who reads an API answer, decided once per request: whether they are a customer contact (who
read staff members' display names only), and the instant every row of the answer is judged at."""

from datetime import datetime
from typing import Any

from opsbook.core import clock

from .. import access


def viewer_is_customer(request) -> bool:
    cached = getattr(request, "_opsbook_ticket_customer", None)
    if cached is None:
        cached = request._opsbook_ticket_customer = access.is_customer(request.user)
    return cached


def request_now(request) -> datetime:
    """One "now" per request, so every row of a page is judged at the same instant."""
    now = getattr(request, "_opsbook_now", None)
    if now is None:
        now = request._opsbook_now = clock.now()
    return now


def customer_reads(context: dict[str, Any]) -> bool:
    return viewer_is_customer(context["request"])


def user_ref(user, *, for_customer: bool) -> dict | None:
    """A user as the reader may see them: customers read staff members' display names only."""
    if user is None:
        return None
    hidden = for_customer and user.is_staff_member
    return {
        "id": None if hidden else user.pk,
        "username": None if hidden else user.username,
        "display": user.label,
    }
