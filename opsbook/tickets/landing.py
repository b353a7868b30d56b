"""Where staff land after signing in (and on the site root): their open tickets.

* agents: the open tickets assigned to them (the list's "My open tickets" view), because that is
  their day's work; the quick links above the list lead to their team's and the unassigned ones;
* administrators, managers and viewers: every open ticket, newest first (they see every ticket
  and watch the whole queue; there is no separate dashboard);
* customer contacts go to the portal (``portal.views.start``), not here.

An explicit ``?next=`` on the login page still wins (Django's ``LoginView`` checks it against
the site's own host, so it cannot send anyone to another site).
"""

from django.urls import reverse

from opsbook.accounts.choices import Role

from .choices import Status

# The open statuses in the order the list's status boxes show them.
OPEN_QUERY = "&".join(
    f"status={s}" for s in (Status.NEW, Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.WAITING)
)


def staff_landing_url(user) -> str:
    """The ticket list filtered to what ``user`` (a staff member) works on first."""
    query = f"assignee=me&{OPEN_QUERY}" if user.role == Role.AGENT else OPEN_QUERY
    return f"{reverse('tickets:list')}?{query}"
