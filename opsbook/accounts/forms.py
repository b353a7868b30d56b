from django import forms

from opsbook.core.forms import StyledFormMixin

from .models import User


class PreferencesForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "email", "phone", "language", "time_zone"]
