"""Forms of the goal pages. Values are typed as people read them (percent for shares, minutes
for durations: ``progress.SCALE``); the views turn them into the metric's unit for the
services. The form's scope is one dimension and its code (the API takes several)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from opsbook.core.forms import StyledFormMixin
from opsbook.core.text import multi_line, single_line
from opsbook.metrics import registry
from opsbook.metrics.models import Direction
from opsbook.metrics.registry import Dimension

from . import progress, services
from .spec import GoalSpec


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.label)


def metric_choices() -> list[tuple[str, Any]]:
    return [("", _("— no metric yet —"))] + [
        (m.key, f"{m.name} ({m.key})") for m in registry.metrics()
    ]


class GoalForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, validators=[single_line])
    description = forms.CharField(
        label=_("Specific description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[multi_line],
        help_text=_("What will change, for whom, and how you will know."),
    )
    metric = forms.ChoiceField(label=_("Metric"), required=False)
    scope_dimension = forms.ChoiceField(
        label=_("Scope"),
        required=False,
        choices=[("", _("The whole organisation")), *list(Dimension.choices)],
    )
    scope_code = forms.CharField(
        label=_("Scope code"),
        required=False,
        max_length=150,
        validators=[single_line],
        help_text=_("The item or category code, team name, user name or customer code."),
    )
    baseline_period = forms.CharField(
        label=_("Baseline period"),
        required=False,
        max_length=30,
        help_text=_(
            "e.g. 2026-09 or 2026-Q3; without a baseline value it is read from the metric."
        ),
    )
    baseline = forms.FloatField(
        label=_("Baseline"),
        required=False,
        help_text=_("Shares in percent (92 = 92 %), durations in minutes."),
    )
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices)
    target = forms.FloatField(
        label=_("Target"),
        required=False,
        help_text=_("Shares in percent (98 = 98 %), durations in minutes."),
    )
    start = forms.DateField(
        label=_("Start"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    deadline = forms.DateField(
        label=_("Deadline"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    owner = PersonChoice(label=_("Owner"), queryset=None, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        metric = self.fields["metric"]
        assert isinstance(metric, forms.ChoiceField)
        metric.choices = metric_choices()
        self.fields["owner"].queryset = services.owner_choices()  # type: ignore[attr-defined]

    @classmethod
    def initial_of(cls, spec: GoalSpec) -> dict[str, Any]:
        unit = progress.unit_of(spec.metric)
        dimension, code = next(iter(spec.scope.items()), ("", ""))
        return {
            "title": spec.title,
            "description": spec.description,
            "metric": spec.metric,
            "scope_dimension": dimension,
            "scope_code": code,
            "baseline_period": spec.baseline_period,
            "baseline": progress.to_shown(spec.baseline, unit),
            "direction": spec.direction,
            "target": progress.to_shown(spec.target, unit),
            "start": spec.start,
            "deadline": spec.deadline,
            "owner": spec.owner,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("scope_dimension") and not data.get("scope_code"):
            self.add_error("scope_code", _("Give the code of the scope."))
        return data

    def spec(self) -> GoalSpec:
        data = self.cleaned_data
        unit = progress.unit_of(data["metric"])
        scope = {data["scope_dimension"]: data["scope_code"]} if data["scope_dimension"] else {}
        return GoalSpec(
            title=data["title"],
            description=data["description"],
            metric=data["metric"],
            scope=scope,
            baseline=progress.from_shown(data["baseline"], unit),
            baseline_period=data["baseline_period"],
            target=progress.from_shown(data["target"], unit),
            direction=data["direction"],
            start=data["start"],
            deadline=data["deadline"],
            owner=data["owner"],
        )


class CheckpointForm(StyledFormMixin, forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    expected = forms.FloatField(
        label=_("Expected value"), help_text=_("Shares in percent, durations in minutes.")
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[multi_line],
    )


class NoteForm(StyledFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=services.MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[multi_line],
    )
