"""Portal forms. Input is checked again by the ticket services, which are the rule."""

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from opsbook.catalog.models import ServiceItem
from opsbook.core.forms import StyledFormMixin
from opsbook.tickets.attachments import check_upload
from opsbook.tickets.choices import TicketType

MAX_FILES = 5
FEEDBACK_TYPES = [
    (TicketType.SUGGESTION.value, TicketType.SUGGESTION.label),
    (TicketType.COMPLAINT.value, TicketType.COMPLAINT.label),
    (TicketType.CONSULTATION.value, TicketType.CONSULTATION.label),
]
RATINGS = [
    (5, _("5 · Very satisfied")),
    (4, _("4 · Satisfied")),
    (3, _("3 · Neutral")),
    (2, _("2 · Dissatisfied")),
    (1, _("1 · Very dissatisfied")),
]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


def _files_help_text() -> str:
    return gettext("Up to %(count)s files: images, PDF, Office documents, text or zip.") % {
        "count": MAX_FILES
    }


# Lazy: the field is built when the module is imported, the text in each request's language.
_files_help = lazy(_files_help_text, str)


class AttachmentsField(forms.FileField):
    """Up to ``MAX_FILES`` files, each checked like every ticket attachment."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Attachments"))
        kwargs.setdefault("help_text", _files_help())
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        uploads = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(uploads) > MAX_FILES:
            raise ValidationError(
                _("Attach at most %(count)s files at a time."), params={"count": MAX_FILES}
            )
        cleaned = [super(AttachmentsField, self).clean(upload, initial) for upload in uploads]
        errors = []
        for upload in cleaned:
            try:
                check_upload(upload)
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return cleaned


def add_service_errors(
    form: forms.Form, exc: ValidationError, *, default_field: str | None = None
) -> None:
    """Put a service's ValidationError on the form: on the field when the form has it."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else default_field, errors)
    else:
        form.add_error(default_field, exc)


class ServiceChoiceField(forms.ModelChoiceField):
    """A service item shown by its name, as customers know it (never the internal code)."""

    def label_from_instance(self, obj: Any) -> str:
        return obj.name


class NewTicketForm(StyledFormMixin, forms.Form):
    item = ServiceChoiceField(
        label=_("Service"),
        queryset=ServiceItem.objects.none(),
        empty_label=_("Choose the service this is about"),
    )
    type = forms.ChoiceField(label=_("Type"), choices=TicketType.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20000,
        help_text=_("What happened, when, and what you expected."),
    )
    # A declared field: the form metaclass moves it to base_fields, so it never shadows
    # BaseForm.files as the stubs believe.
    files = AttachmentsField()  # type: ignore[assignment]

    def __init__(
        self,
        *args: Any,
        items: QuerySet[ServiceItem],
        promise_url: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(ServiceChoiceField, self.fields["item"]).queryset = items.order_by("name", "code")
        if promise_url:
            # Choosing a service or a type shows what is promised for it (htmx, no script).
            for name in ("item", "type"):
                self.fields[name].widget.attrs |= {
                    "hx-get": promise_url,
                    "hx-trigger": "change",
                    "hx-target": "#promise",
                    "hx-swap": "outerHTML",
                    "hx-include": "#id_item, #id_type",
                }


class ReplyForm(StyledFormMixin, forms.Form):
    body = forms.CharField(
        label=_("Your reply"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20000
    )
    # See NewTicketForm.files.
    files = AttachmentsField()  # type: ignore[assignment]


class RatingForm(StyledFormMixin, forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How satisfied are you?"),
        choices=RATINGS,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a rating from 1 to 5.")},
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rating"].widget.attrs["class"] = "btn-check"


class FeedbackForm(StyledFormMixin, forms.Form):
    type = forms.ChoiceField(label=_("Type"), choices=FEEDBACK_TYPES)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 6}), max_length=20000
    )
    name = forms.CharField(label=_("Your name"), max_length=100, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    # Anti-automation (guard.HONEYPOT_FIELD and guard.STAMP_FIELD): a field people never see
    # and a signed time stamp.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    started = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        if not (data.get("email") or (data.get("phone") or "").strip()):
            self.add_error("email", _("Leave an e-mail address or a phone number."))
        return data
