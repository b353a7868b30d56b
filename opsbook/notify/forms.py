"""Forms of the delivery pages: a chat channel (URL and secret write-only: blank keeps what is
stored), an allowed webhook host, and the deliveries filter."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from opsbook.core.forms import StyledFormMixin
from opsbook.core.text import single_line

from .choices import ChannelKind, DeliveryStatus
from .services_delivery import CHAT_KINDS, ChannelInput, validate_channel_url
from .ssrf import MAX_URL_LENGTH


class ChannelForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, validators=[single_line])
    kind = forms.ChoiceField(
        label=_("Service"), choices=[(k, ChannelKind(k).label) for k in CHAT_KINDS]
    )
    url = forms.CharField(
        label=_("Webhook URL"),
        max_length=MAX_URL_LENGTH,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Copied from the robot's settings in the chat app. Stored encrypted."),
    )
    secret = forms.CharField(
        label=_("Signing secret"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_(
            "DingTalk 加签 (starts with SEC), Feishu 签名校验, or the secret a generic webhook "
            "is signed with. Stored encrypted."
        ),
    )
    clear_secret = forms.BooleanField(label=_("Remove the signing secret"), required=False)
    keyword = forms.CharField(
        label=_("Keyword"),
        max_length=50,
        required=False,
        validators=[single_line],
        help_text=_(
            "The bot's security keyword (DingTalk 自定义关键词, Feishu 关键词), added to every "
            "message."
        ),
    )
    rate_per_minute = forms.IntegerField(
        label=_("Messages per minute"),
        min_value=1,
        max_value=10000,
        required=False,
        help_text=_(
            "Empty: the service's own limit (WeCom and DingTalk 20, Feishu 100, Slack 60)."
        ),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(
        self, *args, channel=None, masked_url: str = "", masked_secret: str = "", **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.channel = channel
        if channel is not None:
            self.fields["url"].help_text = _("Stored: %(url)s. Leave empty to keep it.") % {
                "url": masked_url or "—"
            }
            if masked_secret:
                self.fields["secret"].help_text = _(
                    "Stored: %(secret)s. Leave empty to keep it."
                ) % {"secret": masked_secret}
            self.fields["url"].widget.attrs["placeholder"] = masked_url
        else:
            self.fields.pop("clear_secret")

    def clean(self):
        data = super().clean() or {}
        url = (data.get("url") or "").strip()
        kind = data.get("kind")
        if self.channel is None and not url:
            self.add_error("url", _("Enter the webhook URL."))
        elif url and kind:
            try:
                validate_channel_url(kind, url)
            except ValidationError as exc:
                for message in exc.message_dict.get("url", []):
                    self.add_error("url", message)
        return data

    def to_input(self) -> ChannelInput:
        data = self.cleaned_data
        return ChannelInput(
            name=data["name"],
            kind=data["kind"],
            url=data.get("url") or None,
            secret=data.get("secret") or None,
            clear_secret=bool(data.get("clear_secret")),
            keyword=data.get("keyword") or "",
            rate_per_minute=data.get("rate_per_minute"),
            is_active=bool(data.get("is_active")),
        )


class AllowedHostForm(StyledFormMixin, forms.Form):
    host = forms.CharField(
        label=_("Host"),
        max_length=253,
        help_text=_("A host name (hooks.example.com) or an IP address, without http://."),
    )
    allow_private = forms.BooleanField(
        label=_("Allow private addresses"),
        required=False,
        help_text=_(
            "Only for a receiver inside your network: lets this host resolve to a private or "
            "loopback address."
        ),
    )
    note = forms.CharField(
        label=_("Note"), max_length=200, required=False, validators=[single_line]
    )


class DeliveryFilterForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *DeliveryStatus.choices]
    )
    kind = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("All")), *ChannelKind.choices]
    )
