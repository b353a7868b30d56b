"""Fields and widgets the ticket forms share: autocomplete boxes, several files in one input,
the ticket's version, tags typed as text and the people tickets may be given to."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from opsbook.accounts.choices import Role
from opsbook.accounts.models import Customer, User
from opsbook.catalog.models import ServiceItem
from opsbook.core.forms import StyledFormMixin

from ..attachments import check_upload

MAX_FILES = 10
TAG_SEPARATORS = (",", "，", "、", ";", "；")
AUTOCOMPLETE_TEMPLATE = "tickets/widgets/autocomplete.html"


def assignable_users() -> QuerySet[User]:
    """Staff who may be given tickets (viewers only read)."""
    return User.objects.staff().exclude(role=Role.VIEWER).select_related("team")


def split_tags(text: str) -> list[str]:
    for separator in TAG_SEPARATORS[1:]:
        text = text.replace(separator, TAG_SEPARATORS[0])
    names: list[str] = []
    for part in text.split(","):
        name = " ".join(part.split())
        if name and name not in names:
            names.append(name)
    return names


def to_int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


# --- autocomplete boxes -----------------------------------------------------------------------


def autocomplete_context(
    *, name: str, value: str, id_: str, label: str, url: str, placeholder: str, include: str = ""
) -> dict[str, Any]:
    """What ``AUTOCOMPLETE_TEMPLATE`` draws: the hidden value, the text box showing ``label``
    and the list the endpoint at ``url`` fills."""
    return {
        "name": name,
        "value": value,
        "attrs": {"id": id_},
        "label": label,
        "url": url,
        "include": include,
        "placeholder": placeholder,
    }


class AutocompleteInput(forms.Widget):
    """A hidden input holding the value and a text box that asks an autocomplete endpoint
    (tickets.js) for choices. ``resolve(value)`` gives the label shown for the current value."""

    template_name = AUTOCOMPLETE_TEMPLATE

    def __init__(
        self,
        url: Any,
        *,
        include: str = "",
        placeholder: Any = "",
        attrs: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(attrs)
        self.url = url
        self.include = include  # "param=#element-id": another field's value sent along
        self.placeholder = placeholder
        self.resolve: Callable[[Any], str] | None = None

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        value = context["widget"]["value"]
        label = ""
        if value not in (None, "") and self.resolve is not None:
            label = self.resolve(value) or ""
        context["widget"].update(
            url=str(self.url),
            include=self.include,
            label=label,
            placeholder=str(self.placeholder),
        )
        return context

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_text" if id_ else id_

    def format_value(self, value: Any) -> str:
        return "" if value is None else str(value)


def autocomplete(
    url_name: str,
    *,
    purpose: str = "",
    include: str = "",
    placeholder: Any = "",
    resolve: Callable[[Any], str] | None = None,
) -> AutocompleteInput:
    url = reverse_lazy(url_name)
    widget = AutocompleteInput(
        f"{url}?purpose={purpose}" if purpose else url,
        include=include,
        placeholder=placeholder,
    )
    widget.resolve = resolve
    return widget


def item_label(value: Any) -> str:
    item = ServiceItem.objects.filter(pk=to_int(value)).only("code", "name").first()
    return f"{item.code} {item.name}" if item else ""


def customer_label(value: Any) -> str:
    customer = Customer.objects.filter(pk=to_int(value)).only("name").first()
    return customer.name if customer else ""


def user_label(value: Any) -> str:
    user = User.objects.filter(pk=to_int(value)).first()
    return user.label if user else ""


# --- files and versions -----------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input, each checked like an attachment before anything is saved."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if not files and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
        if len(files) > MAX_FILES:
            raise ValidationError(
                _("Attach at most %(count)d files at a time.") % {"count": MAX_FILES}
            )
        cleaned, errors = [], []
        for upload in files:
            upload = super().clean(upload, initial)
            try:
                check_upload(upload)
            except ValidationError as exc:
                errors.extend(exc.messages)
            else:
                cleaned.append(upload)
        if errors:
            raise ValidationError(errors)
        return cleaned


class VersionedForm(StyledFormMixin, forms.Form):
    """Carries the ticket's version, so a save over someone else's change is a conflict."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
