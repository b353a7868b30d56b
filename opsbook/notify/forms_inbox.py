"""Forms of the inbox, rules and preference pages. They only read input; the services check
it and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from opsbook.core.forms import StyledFormMixin

from . import access
from .choices import ROUTED_EVENTS, Audience


def _event_choices():
    return [(e.value, e.label) for e in ROUTED_EVENTS]


class InboxFilterForm(forms.Form):
    unread = forms.BooleanField(label=_("Unread only"), required=False)


class RuleForm(StyledFormMixin, forms.Form):
    event = forms.ChoiceField(label=_("Event"), choices=_event_choices)
    audience = forms.ChoiceField(label=_("Recipients"), choices=Audience.choices)
    in_app = forms.BooleanField(label=_("Inbox"), required=False, initial=True)
    email = forms.BooleanField(label=_("E-mail"), required=False, initial=True)
    channel = forms.ModelChoiceField(
        label=_("Chat channel"),
        queryset=access.channels_for_rules(),
        required=False,
        help_text=_("Only for a chat group: the group's channel. Inbox and e-mail do not apply."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    @classmethod
    def initial_for(cls, rule) -> dict:
        return {
            "event": rule.event,
            "audience": rule.audience,
            "in_app": rule.in_app,
            "email": rule.email,
            "channel": rule.channel,
            "is_active": rule.is_active,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Channels are evaluated per form, so a channel added a moment ago is offered.
        self.fields["channel"].queryset = access.channels_for_rules()  # type: ignore[attr-defined]


class PreferencesForm(StyledFormMixin, forms.Form):
    email_enabled = forms.BooleanField(label=_("E-mail me"), required=False)
    muted_events = forms.MultipleChoiceField(
        label=_("Muted events"),
        choices=_event_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Nothing at all reaches you for these: no inbox entry, no e-mail."),
    )
    quiet_start = forms.TimeField(
        label=_("Quiet hours from"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    quiet_end = forms.TimeField(
        label=_("Quiet hours until"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_(
            "E-mails that come during these hours wait until they end. Across midnight works "
            "(22:00 to 07:00). Times in the site's time zone."
        ),
    )
    digest = forms.BooleanField(
        label=_("Daily digest"),
        required=False,
        help_text=_(
            "One e-mail a day listing your unread notifications, instead of one e-mail per event."
        ),
    )
    digest_at = forms.TimeField(
        label=_("Digest time"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Empty: the site's default time."),
    )

    @classmethod
    def initial_for(cls, pref) -> dict:
        return {
            "email_enabled": pref.email_enabled,
            "muted_events": list(pref.muted_events or []),
            "quiet_start": pref.quiet_start,
            "quiet_end": pref.quiet_end,
            "digest": pref.digest,
            "digest_at": pref.digest_at,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Checkboxes of a list, not a select: Bootstrap's own class for each box.
        self.fields["muted_events"].widget.attrs["class"] = "form-check-input"
