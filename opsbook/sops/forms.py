"""Forms of the procedure pages: the procedure itself and its steps (a formset, ordered)."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from opsbook.accounts.choices import Role
from opsbook.accounts.models import User
from opsbook.catalog import access as catalog_access
from opsbook.catalog.choices import Status as ItemStatus
from opsbook.core.forms import StyledFormMixin
from opsbook.core.text import multi_line, single_line

from . import services
from .choices import Evidence
from .models import Procedure, Step, StepRun
from .services import StepSpec


class ItemChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} {obj.name}"


class ContentChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.item.code} · {obj.code} {obj.name}"


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.label


class ProcedureForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, validators=[single_line])
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[multi_line],
    )
    items = ItemChoice(
        label=_("Service items"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Tickets and routine work on these services follow this procedure."),
    )
    contents = ContentChoice(
        label=_("Service content"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Content-specific: chosen before a procedure of the whole item."),
    )
    ticket_types = forms.MultipleChoiceField(
        label=_("Ticket types"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
        help_text=_(
            "A ticket type follows at most one procedure: choosing a type here moves it from "
            "the procedure it had."
        ),
    )
    note = forms.CharField(
        label=_("What changed"),
        max_length=200,
        required=False,
        validators=[single_line],
        help_text=_("Kept with the new version when the steps change."),
    )

    based_on = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, user: Any, procedure: Procedure | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        keep_items = procedure.items.values("pk") if procedure else []
        keep_contents = procedure.contents.values("pk") if procedure else []
        self.fields["items"].queryset = (  # type: ignore[attr-defined]
            catalog_access.items_for_user(user)
            .filter(~Q(status=ItemStatus.RETIRED) | Q(pk__in=keep_items))
            .order_by("code")
        )
        self.fields["contents"].queryset = (  # type: ignore[attr-defined]
            catalog_access.contents_for_user(user)
            .filter(~Q(status=ItemStatus.RETIRED) | Q(pk__in=keep_contents))
            .select_related("item")
            .order_by("item__code", "code")
        )
        taken = services.procedures_by_type()
        choices = []
        for value, label in services.ticket_type_choices():
            other = taken.get(value)
            if other is not None and (procedure is None or other.pk != procedure.pk):
                label = _("%(type)s (now: %(procedure)s)") % {"type": label, "procedure": other}
            choices.append((value, label))
        self.fields["ticket_types"].choices = choices  # type: ignore[attr-defined]
        if procedure is not None and not self.is_bound:
            self.initial.update(
                {
                    "name": procedure.name,
                    "description": procedure.description,
                    "items": list(procedure.items.all()),
                    "contents": list(procedure.contents.all()),
                    "ticket_types": services.ticket_types_of(procedure),
                    "based_on": getattr(services.latest_version(procedure), "number", None),
                }
            )


ROLE_CHOICES = [("", "—"), *((r.value, r.label) for r in services.RESPONSIBLE_ROLES)]


class StepForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Step"), max_length=200, validators=[single_line])
    responsible_role = forms.ChoiceField(
        label=_("Responsible role"), choices=ROLE_CHOICES, required=False
    )
    responsible_user = PersonChoice(label=_("Responsible person"), queryset=None, required=False)
    limit_hours = forms.IntegerField(
        label=_("Time limit: hours"),
        min_value=0,
        max_value=services.MAX_LIMIT_MINUTES // 60,
        required=False,
    )
    limit_minutes = forms.IntegerField(
        label=_("minutes"), min_value=0, max_value=59, required=False
    )
    evidence = forms.ChoiceField(
        label=_("Required evidence"), choices=Evidence.choices, initial=Evidence.NONE
    )
    checklist = forms.CharField(
        label=_("Checklist (one point per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[multi_line],
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["responsible_user"].queryset = (  # type: ignore[attr-defined]
            User.objects.staff().exclude(role=Role.VIEWER).order_by("username")
        )

    @staticmethod
    def initial_for(step: Step) -> dict[str, Any]:
        limit = step.time_limit_minutes
        return {
            "name": step.name,
            "responsible_role": step.responsible_role,
            "responsible_user": step.responsible_user_id,
            "limit_hours": limit // 60 if limit else None,
            "limit_minutes": limit % 60 if limit else None,
            "evidence": step.evidence,
            "checklist": "\n".join(step.checklist or []),
        }

    def spec(self) -> StepSpec:
        data = self.cleaned_data
        hours, minutes = data.get("limit_hours") or 0, data.get("limit_minutes") or 0
        total = hours * 60 + minutes
        return StepSpec(
            name=data["name"],
            responsible_role=data.get("responsible_role") or "",
            responsible_user=data.get("responsible_user"),
            time_limit_minutes=total or None,
            evidence=data["evidence"],
            checklist=[line for line in (data.get("checklist") or "").splitlines()],
        )


class BaseStepFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        if not self.specs():
            raise ValidationError(_("A procedure needs at least one step."))

    def specs(self) -> list[StepSpec]:
        """The steps kept, in the order given (the order field, then the form's place)."""
        kept = [
            form
            for form in self.forms
            if not form.cleaned_data.get("DELETE") and form.cleaned_data.get("name")
        ]

        def place(form: forms.Form) -> tuple[int, int]:
            order = form.cleaned_data.get("ORDER")
            return (order if order is not None else 10_000, self.forms.index(form))

        return [form.spec() for form in sorted(kept, key=place)]


StepFormSet = forms.formset_factory(
    StepForm,
    formset=BaseStepFormSet,
    extra=2,
    can_order=True,
    can_delete=True,
    max_num=services.MAX_STEPS,
    validate_max=True,
)


def step_formset(data: Any = None, steps: list[Step] | None = None) -> BaseStepFormSet:
    initial = [StepForm.initial_for(step) for step in steps or []]
    formset = StepFormSet(data, initial=initial, prefix="steps")
    for index, form in enumerate(formset.forms):
        if "ORDER" in form.fields:
            form.fields["ORDER"].label = _("Order")
            form.fields["ORDER"].widget.attrs["class"] = "form-control form-control-sm"
            if not formset.is_bound and index < len(initial):
                form.initial["ORDER"] = index + 1
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove")
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input"
    return formset  # type: ignore[return-value]


class CompleteStepForm(forms.Form):
    """Completing a step: the evidence and the ticked checklist points."""

    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[multi_line],
    )
    link = forms.CharField(label=_("Link"), required=False, max_length=1000)
    file = forms.FileField(label=_("File"), required=False)
    checked = forms.TypedMultipleChoiceField(
        label=_("Checklist"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args: Any, step_run: StepRun, **kwargs: Any):
        kwargs["prefix"] = f"step{step_run.pk}"
        super().__init__(*args, **kwargs)
        points = step_run.step.checklist or []
        self.fields["checked"].choices = list(enumerate(points))  # type: ignore[attr-defined]
        for name in ("note", "link", "file"):
            self.fields[name].widget.attrs["class"] = "form-control form-control-sm"
