import zoneinfo

from django import forms
from django.utils.translation import gettext_lazy as _

from opsbook.core.forms import StyledFormMixin

from .models import User


def _time_zone_choices():
    zones = sorted(zoneinfo.available_timezones() - {"localtime", "Factory"})
    return [("", _("The site's time zone")), *((zone, zone) for zone in zones)]


class PreferencesForm(StyledFormMixin, forms.ModelForm):
    time_zone = forms.ChoiceField(
        label=_("time zone"),
        required=False,
        choices=_time_zone_choices,
        help_text=_("Empty: the site's time zone."),
    )

    class Meta:
        model = User
        fields = ["display_name", "email", "phone", "language", "time_zone"]
