"""The forms of the routine-work pages. They check the shape of the input; the services check
the rest (state, permission, links, files) and their errors come back onto these forms."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from opsbook.accounts.models import User
from opsbook.catalog.choices import Status
from opsbook.catalog.models import ServiceContent
from opsbook.core.forms import StyledFormMixin
from opsbook.tickets.forms.fields import MultipleFileField

from .services import MAX_LINK, MAX_NOTE, assignable_users


class CompleteForm(StyledFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was done; required when steps of the procedure are not done."),
    )
    link = forms.CharField(
        label=_("Link"),
        required=False,
        max_length=MAX_LINK,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
        help_text=_("A web address (http or https) where the result can be seen."),
    )
    files = MultipleFileField(label=_("Files"))  # type: ignore[assignment]  # a field, as in tickets


class SkipForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why this work is skipped.")},
    )


class ReopenForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why reopen"),
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.label


class ReassignForm(StyledFormMixin, forms.Form):
    assignee = PersonChoiceField(
        label=_("Assignee"),
        queryset=User.objects.none(),
        error_messages={"required": _("Choose who does this work.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignable_users()  # type: ignore[attr-defined]


class ContentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} {obj.name}"


class CreateForm(StyledFormMixin, forms.Form):
    content = ContentChoiceField(label=_("Service content"), queryset=ServiceContent.objects.none())
    due_on = forms.DateField(label=_("Due day"), widget=forms.DateInput(attrs={"type": "date"}))
    assignee = PersonChoiceField(
        label=_("Assignee"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Empty: the content's primary owner."),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, contents: QuerySet[ServiceContent], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["content"].queryset = contents.filter(  # type: ignore[attr-defined]
            status=Status.ACTIVE, item__status=Status.ACTIVE
        ).select_related("item")
        self.fields["assignee"].queryset = assignable_users()  # type: ignore[attr-defined]
