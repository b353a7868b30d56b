"""Where staff land after signing in (and on the site root): "my work", the one list of what
needs them (``mywork``). Customer contacts go to the portal (``portal.views.start``). An
explicit ``?next=`` on the login page still wins (Django's ``LoginView`` checks it against the
site's own host, so it cannot send anyone to another site)."""

from django.urls import reverse


def staff_landing_url(user) -> str:
    return reverse("work:mine")
