"""Forms of the survey pages: they render and read fields; the services check and write."""

from datetime import datetime, time, timedelta
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from opsbook.accounts.models import Customer
from opsbook.core.forms import StyledFormMixin
from opsbook.metrics.periods import org_tz

from .choices import NPS_RANGE, RATING_RANGE, QuestionKind
from .models import Question


class SurveyForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    intro = forms.CharField(
        label=_("Introduction"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class QuestionForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=QuestionKind.choices)
    text = forms.CharField(label=_("Question"), max_length=500)
    required = forms.BooleanField(label=_("Required"), required=False, initial=True)
    options = forms.CharField(
        label=_("Options (one per line, for choice questions)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_options(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["options"].splitlines() if line.strip()]


def _contact_label(obj: Any) -> str:
    return f"{obj.customer} · {obj.label}"


class CampaignForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    customers = forms.ModelMultipleChoiceField(
        label=_("Organisations (all their contacts)"),
        queryset=Customer.objects.filter(is_active=True),
        required=False,
    )
    contacts = forms.ModelMultipleChoiceField(
        label=_("Single contacts"), queryset=Customer.objects.none(), required=False
    )
    closes_on = forms.DateField(
        label=_("Last day to answer"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, contacts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["contacts"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = contacts.select_related("customer").order_by("customer__name", "username")
        field.label_from_instance = _contact_label  # type: ignore[method-assign]

    def closes_at(self) -> datetime:
        """The end of the last day (midnight after it) in the organisation's time zone."""
        day = self.cleaned_data["closes_on"] + timedelta(days=1)
        return datetime.combine(day, time(0), tzinfo=org_tz())


def _answer_field(q: Question) -> forms.Field:
    label = q.text
    if q.kind == QuestionKind.NPS:
        return forms.TypedChoiceField(
            label=label,
            required=q.required,
            choices=[(s, str(s)) for s in NPS_RANGE],
            coerce=int,
            widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            help_text=_("0 = not at all likely, 10 = extremely likely"),
        )
    if q.kind == QuestionKind.RATING:
        return forms.TypedChoiceField(
            label=label,
            required=q.required,
            choices=[(s, str(s)) for s in RATING_RANGE],
            coerce=int,
            widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            help_text=_("1 = very poor, 5 = excellent"),
        )
    if q.kind == QuestionKind.SINGLE:
        return forms.ChoiceField(
            label=label,
            required=q.required,
            choices=[(o, o) for o in q.options],
            widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        )
    if q.kind == QuestionKind.MULTIPLE:
        return forms.MultipleChoiceField(
            label=label,
            required=q.required,
            choices=[(o, o) for o in q.options],
            widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        )
    return forms.CharField(
        label=label,
        required=q.required,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
    )


class AnswerForm(forms.Form):
    """One field per question, named ``q<id>``; nothing is pre-selected, so every answer is
    the contact's own choice."""

    def __init__(self, *args: Any, questions: list[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for q in questions:
            self.fields[q.field_name] = _answer_field(q)
        self.error_messages = {"required": _("This question needs an answer.")}
        for f in self.fields.values():
            f.error_messages["required"] = _("This question needs an answer.")
            f.error_messages["invalid_choice"] = _("Choose one of the offered answers.")

    def add_service_errors(self, exc: ValidationError) -> None:
        if hasattr(exc, "error_dict"):
            for name, errors in exc.message_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        else:
            self.add_error(None, exc.messages)
