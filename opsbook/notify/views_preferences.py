"""Each person's notification settings (under the account menu): e-mail on or off, muted
events, quiet hours and the daily digest. Staff only; customers get 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from opsbook.core import clock
from opsbook.core.permissions import requires

from . import access, services
from .forms_inbox import PreferencesForm

inbox_required = requires(access.has_inbox, hidden=access.is_hidden_from)


@inbox_required
def preferences(request) -> HttpResponse:
    pref = services.preference_for(request.user)
    form = PreferencesForm(request.POST or None, initial=PreferencesForm.initial_for(pref))
    if request.method == "POST" and form.is_valid():
        try:
            services.do_save_preferences(request.user, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Your notification settings were saved."))
            return redirect("notify:preferences")
    zone = timezone.get_default_timezone()
    context = {
        "form": form,
        "site_time_zone": timezone.get_default_timezone_name(),
        "site_now": clock.now().astimezone(zone),
        "default_digest_at": services.default_digest_time(),
    }
    return render(request, "notify/preferences.html", context)
