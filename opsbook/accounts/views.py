from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from opsbook.core import clock

from .forms import PreferencesForm


@login_required
def preferences(request):
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        if form.cleaned_data["language"]:
            translation.activate(form.cleaned_data["language"])
        messages.success(request, _("Your preferences were saved."))
        return redirect("accounts:preferences")
    context = {
        "form": form,
        "active_time_zone": timezone.get_current_timezone_name(),
        "local_now": clock.localtime(),
    }
    return render(request, "accounts/preferences.html", context)
