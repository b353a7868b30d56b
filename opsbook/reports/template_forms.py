"""Forms of the template editor (the services check everything again)."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from opsbook.accounts.choices import Role
from opsbook.accounts.models import Customer, Team, User
from opsbook.core.forms import StyledFormMixin

from .choices import TemplateKind

IMPORT_MAX_BYTES = 256 * 1024


def staff_people():
    return (
        User.objects.filter(is_active=True)
        .exclude(role=Role.CUSTOMER)
        .order_by("display_name", "username")
    )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.label)


class TemplateForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    code = forms.SlugField(
        label=_("Code"),
        max_length=50,
        help_text=_("A short name for the command line and the API, e.g. monthly."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=TemplateKind.choices)
    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=Team.objects.order_by("name"),
        required=False,
        help_text=_("A team template: the team's services only."),
    )
    customer = forms.ModelChoiceField(
        label=_("Customer"),
        queryset=Customer.objects.order_by("name"),
        required=False,
        help_text=_(
            "A customer template: that customer's figures only; published to their portal."
        ),
    )
    editor = PersonChoiceField(
        label=_("Report editor"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Edits every section, rebuilds the draft and submits it."),
    )
    deadline_working_days = forms.IntegerField(
        label=_("Deadline (working day of the next month)"), min_value=1, max_value=20, initial=5
    )
    auto_draft = forms.BooleanField(
        label=_("Draft automatically on the first working day of each month"),
        required=False,
        initial=True,
    )
    is_default = forms.BooleanField(label=_("Organisation default"), required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["editor"].queryset = staff_people()  # type: ignore[attr-defined]


class NewTemplateForm(TemplateForm):
    """Creating a template: the essentials; the rest is on the template's page."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("description", "editor", "deadline_working_days", "auto_draft", "is_active"):
            del self.fields[name]


class SectionForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    key = forms.SlugField(label=_("Key"), max_length=50, required=False)
    owner = PersonChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)
    narrative = forms.BooleanField(label=_("Narrative paragraph"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff_people()  # type: ignore[attr-defined]


def parse_options(text: str) -> dict[str, Any]:
    """A block's options as typed (a JSON object); ValueError in words otherwise."""
    text = (text or "").strip()
    if not text:
        return {}
    try:
        value = json.loads(text)
    except RecursionError:
        raise ValueError(_('The options are a JSON object, e.g. {"months": 12}.')) from None
    except json.JSONDecodeError as exc:
        raise ValueError(
            _("The options are not valid JSON (line %(line)d, column %(col)d: %(msg)s).")
            % {"line": exc.lineno, "col": exc.colno, "msg": exc.msg}
        ) from None
    if not isinstance(value, dict):
        raise ValueError(_('The options are a JSON object, e.g. {"months": 12}.'))
    return value


class ImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=_("Template file (.json)"))
    replace = forms.BooleanField(label=_("Replace the template with the same code"), required=False)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(kb)d KB.") % {"kb": IMPORT_MAX_BYTES // 1024}
            )
        raw = upload.read(IMPORT_MAX_BYTES + 1)
        try:
            return json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            raise forms.ValidationError(_("The file is not JSON in UTF-8.")) from None
