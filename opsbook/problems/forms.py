"""Forms of the problem and action pages. Metric values are typed as people read them
(percentage points for shares, minutes for durations: ``SCALE``); ``shown``/``stored`` convert."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from opsbook.accounts.models import Team, User
from opsbook.catalog.models import Category
from opsbook.core.forms import StyledFormMixin
from opsbook.core.text import multi_line, single_line
from opsbook.metrics import registry
from opsbook.metrics.registry import Dimension, Unit

from . import services
from .choices import ActionStatus, CauseCategory, ProblemStatus
from .models import Action, Problem

SCALE = {Unit.RATIO: 100.0, Unit.SECONDS: 1 / 60}
SHOWN_UNIT = {Unit.RATIO: _("points (%)"), Unit.SECONDS: _("minutes")}
SCOPE_DIMENSIONS = (Dimension.CUSTOMER, Dimension.ITEM, Dimension.CATEGORY, Dimension.TEAM)
WHYS = 5


def unit_of(key: str) -> str:
    metric = registry.get(key) if key else None
    return metric.unit if metric is not None else Unit.NUMBER


def shown(value: float | None, unit: str) -> float | None:
    return None if value is None else round(value * SCALE.get(unit, 1.0), 6)  # type: ignore[call-overload]


def stored(value: float | None, unit: str) -> float | None:
    return None if value is None else value / SCALE.get(unit, 1.0)  # type: ignore[call-overload]


def shown_text(value: float | None, unit: str) -> str:
    number = shown(value, unit)
    if number is None:
        return "—"
    text = f"{number:,.1f}" if number != int(number) else f"{int(number):,}"
    suffix = {Unit.RATIO: "%", Unit.SECONDS: "min"}.get(unit, "")  # type: ignore[call-overload]
    return f"{text} {suffix}".rstrip()


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.label)


def metric_choices() -> list[tuple[str, Any]]:
    return [("", _("— no metric —"))] + [(m.key, f"{m.name} ({m.key})") for m in registry.metrics()]


class ProblemForm(StyledFormMixin, forms.Form):
    """Raising a problem (its tickets come as ids in ``tickets``)."""

    title = forms.CharField(label=_("Title"), max_length=200, validators=[single_line])
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[multi_line],
        help_text=_("What keeps happening, to whom, since when."),
    )
    category = forms.ModelChoiceField(
        label=_("Service category"), queryset=Category.objects.none(), required=False
    )
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)
    owner = PersonChoice(label=_("Owner"), queryset=User.objects.none(), required=False)
    tickets = forms.CharField(
        label=_("Linked tickets"),
        required=False,
        max_length=5000,
        help_text=_("Ticket numbers, separated by commas."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.order_by("name")  # type: ignore[attr-defined]
        self.fields["team"].queryset = Team.objects.order_by("name")  # type: ignore[attr-defined]
        self.fields["owner"].queryset = services.owner_choices()  # type: ignore[attr-defined]

    def ticket_ids(self) -> list[str]:
        text = self.cleaned_data.get("tickets") or ""
        return [p.strip().lstrip("#") for p in text.replace("，", ",").split(",") if p.strip()]


class ProblemEditForm(StyledFormMixin, forms.Form):
    """The problem's page: its facts and its root-cause analysis (the 5 whys)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label=_("Title"), max_length=200, validators=[single_line])
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[multi_line],
    )
    status = forms.ChoiceField(label=_("Status"), choices=ProblemStatus.choices)
    owner = PersonChoice(label=_("Owner"), queryset=User.objects.none(), required=False)
    category = forms.ModelChoiceField(
        label=_("Service category"), queryset=Category.objects.none(), required=False
    )
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)
    why_1 = forms.CharField(label=_("Why? (1)"), required=False, max_length=500)
    why_2 = forms.CharField(label=_("Why? (2)"), required=False, max_length=500)
    why_3 = forms.CharField(label=_("Why? (3)"), required=False, max_length=500)
    why_4 = forms.CharField(label=_("Why? (4)"), required=False, max_length=500)
    why_5 = forms.CharField(label=_("Why? (5)"), required=False, max_length=500)
    root_cause = forms.CharField(
        label=_("Root cause"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[multi_line],
    )
    cause_category = forms.ChoiceField(
        label=_("Cause category"),
        required=False,
        choices=[("", _("— not yet classified —")), *CauseCategory.choices],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.order_by("name")  # type: ignore[attr-defined]
        self.fields["team"].queryset = Team.objects.order_by("name")  # type: ignore[attr-defined]
        self.fields["owner"].queryset = services.owner_choices()  # type: ignore[attr-defined]

    @staticmethod
    def initial_of(problem: Problem) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "version": problem.version,
            "title": problem.title,
            "description": problem.description,
            "status": problem.status,
            "owner": problem.owner_id,
            "category": problem.category_id,
            "team": problem.team_id,
            "root_cause": problem.root_cause,
            "cause_category": problem.cause_category,
        }
        for n, answer in enumerate(problem.whys[:WHYS], start=1):
            initial[f"why_{n}"] = answer
        return initial

    def changes(self, problem: Problem) -> dict[str, Any]:
        data = self.cleaned_data
        whys = [data[f"why_{n}"] for n in range(1, WHYS + 1)]
        return {
            "title": data["title"],
            "description": data["description"],
            "status": data["status"],
            "owner": data["owner"],
            "category": data["category"],
            "team": data["team"],
            "whys": whys + list(problem.whys[WHYS:]),
            "root_cause": data["root_cause"],
            "cause_category": data["cause_category"],
        }


class LinkForm(StyledFormMixin, forms.Form):
    tickets = forms.CharField(
        label=_("Link tickets"),
        max_length=5000,
        help_text=_("Ticket numbers, separated by commas."),
    )

    def ticket_ids(self) -> list[str]:
        text = self.cleaned_data.get("tickets") or ""
        return [p.strip().lstrip("#") for p in text.replace("，", ",").split(",") if p.strip()]


class ActionForm(StyledFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label=_("Action"), max_length=200, validators=[single_line])
    description = forms.CharField(
        label=_("Details"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[multi_line],
    )
    owner = PersonChoice(label=_("Owner"), queryset=User.objects.none(), required=False)
    due = forms.DateField(
        label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
    metric = forms.ChoiceField(label=_("Metric it should move"), required=False)
    scope_dimension = forms.ChoiceField(
        label=_("Measured for"),
        required=False,
        choices=[("", _("The whole organisation"))]
        + [(d, label) for d, label in Dimension.choices if d in SCOPE_DIMENSIONS],
    )
    scope_code = forms.CharField(
        label=_("Code"),
        required=False,
        max_length=150,
        validators=[single_line],
        help_text=_("The customer, item or category code, or the team name."),
    )
    expected_change = forms.FloatField(
        label=_("Expected change"),
        required=False,
        help_text=_(
            "Signed, as the metric is read: -5 for five points fewer, +10 for ten minutes more."
        ),
    )
    baseline = forms.FloatField(
        label=_("Baseline"),
        required=False,
        help_text=_("Leave empty to read it from the metric (the month before the action)."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = services.owner_choices()  # type: ignore[attr-defined]
        self.fields["metric"].choices = metric_choices()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("scope_dimension")) != bool(data.get("scope_code")):
            self.add_error("scope_code", _("Choose a dimension and give its code, or neither."))
        return data

    @staticmethod
    def initial_of(action: Action) -> dict[str, Any]:
        unit = unit_of(action.metric)
        dimension, code = next(iter(action.scope.items()), ("", ""))
        return {
            "version": action.version,
            "title": action.title,
            "description": action.description,
            "owner": action.owner_id,
            "due": action.due,
            "status": action.status,
            "metric": action.metric,
            "scope_dimension": dimension,
            "scope_code": code,
            "expected_change": shown(action.expected_change, unit),
            "baseline": shown(action.baseline, unit),
        }

    def values(self, *, keep_baseline: float | None = None) -> dict[str, Any]:
        data = self.cleaned_data
        unit = unit_of(data["metric"])
        scope = {data["scope_dimension"]: data["scope_code"]} if data["scope_dimension"] else {}
        return {
            "title": data["title"],
            "description": data["description"],
            "owner": data["owner"],
            "due": data["due"],
            "status": data["status"],
            "metric": data["metric"],
            "scope": scope,
            "expected_change": stored(data["expected_change"], unit),
            "baseline": stored(data["baseline"], unit),
        }
