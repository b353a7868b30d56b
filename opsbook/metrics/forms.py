"""Forms for the manual metrics and targets pages, and the conversion between what a manager
types and what is stored: a rate is typed as a percentage and stored as a fraction 0–1, a
duration typed in minutes or hours and stored in seconds. Forms validate and convert; writes go
through services."""

from decimal import Decimal, InvalidOperation
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from opsbook.core.forms import StyledFormMixin

from . import access, registry
from .models import Direction, ManualMetric
from .periods import PeriodKind
from .registry import Dimension, Unit
from .services import MANUAL_PERIOD_KINDS, PERIOD_EXAMPLES, default_direction

IMPORT_EXTENSIONS = (".xlsx",)

# What a typed number is multiplied by to become the stored one, per unit and scale.
PERCENT, MINUTES, HOURS = "percent", "minutes", "hours"
SCALES: dict[str, list[tuple[str, object, Decimal]]] = {
    Unit.RATIO: [(PERCENT, "%", Decimal("0.01"))],
    Unit.SECONDS: [(MINUTES, _("minutes"), Decimal(60)), (HOURS, _("hours"), Decimal(3600))],
}


def scale_choices(unit: str) -> list[tuple[str, object]]:
    return [(name, label) for name, label, _factor in SCALES.get(unit, [])]


def to_stored(unit: str, scale: str, typed: Decimal) -> Decimal:
    """A number as typed (98.5 %, 30 minutes) as stored (0.985, 1800)."""
    for name, _label, factor in SCALES.get(unit, []):
        if name == scale or not scale:
            return typed * factor
    return typed


def to_typed(unit: str, stored: Decimal | float | None) -> tuple[Decimal | None, str]:
    """The stored number as a manager types it, and the scale: (98.5, "percent")."""
    if stored is None:
        return None, ""
    number = Decimal(str(stored))
    if unit == Unit.RATIO:
        return _plain(number * 100), PERCENT
    if unit == Unit.SECONDS:
        if number >= 7200 and number % 360 == 0:
            return _plain(number / 3600), HOURS
        return _plain(number / 60), MINUTES
    return _plain(number), ""


def _plain(number: Decimal) -> Decimal:
    """Without trailing zeros and never in exponent form (30, not 3E+1 or 30.0000)."""
    if number == number.to_integral_value():
        return number.quantize(Decimal(1))
    return number.normalize()


def display(unit: str, stored: Decimal | float | None) -> str:
    """A stored value for the pages: 98.5%, 30 分钟, 1,234."""
    typed, scale = to_typed(unit, stored)
    if typed is None:
        return "—"
    if typed != typed.to_integral_value():
        typed = _plain(typed.quantize(Decimal("0.01")))
    text = format(typed, ",f")
    if scale == PERCENT:
        return f"{text}%"
    if scale == MINUTES:
        return f"{text} {_('minutes')}"
    if scale == HOURS:
        return f"{text} {_('hours')}"
    return text


def check_places(unit: str, scale: str, typed: Decimal) -> None:
    """The stored number keeps four decimal places: a percentage typed keeps two."""
    stored = to_stored(unit, scale, typed)
    if stored != stored.quantize(Decimal("0.0001")):
        places = 2 if (scale or _default_scale(unit)) == PERCENT else 4
        raise ValidationError(_("At most %(places)d decimal places.") % {"places": places})


def _default_scale(unit: str) -> str:
    scales = SCALES.get(unit, [])
    return scales[0][0] if scales else ""


def unit_hint(unit: str) -> str:
    """What the value field's label adds: (%) for a rate, nothing otherwise."""
    return " (%)" if unit == Unit.RATIO else ""


class DecimalText(forms.CharField):
    """A number typed with a comma or full-width digits forgiven; read as Decimal."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.widget.attrs.update({"maxlength": "40", "inputmode": "decimal"})

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        if len(text) > 40:
            raise ValidationError(_("Enter a number."))
        text = text.replace(",", "").replace("，", "").replace("％", "%").strip().rstrip("%")
        text = text.translate(str.maketrans("０１２３４５６７８９．－", "0123456789.-"))
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValidationError(_("Enter a number.")) from None
        if not number.is_finite():
            raise ValidationError(_("Enter a number."))
        return number


# --- Manual metrics ------------------------------------------------------------------------------

DIRECTION_CHOICES = [
    ("up", _("Higher is better")),
    ("down", _("Lower is better")),
    ("", _("Neither (a volume)")),
]


class ManualMetricForm(StyledFormMixin, forms.Form):
    code = forms.SlugField(
        label=_("Code"),
        max_length=60,
        help_text=_(
            "Letters, digits, '-' or '_'; the metric's key is manual.<code> and never changes."
        ),
    )
    name = forms.CharField(label=_("Name"), max_length=100)
    name_en = forms.CharField(label=_("English name"), max_length=100, required=False)
    unit = forms.ChoiceField(label=_("Unit"), choices=Unit.choices, initial=Unit.NUMBER)
    better = forms.ChoiceField(
        label=_("Which direction is good"), choices=DIRECTION_CHOICES, required=False
    )
    period_kind = forms.ChoiceField(
        label=_("Entered per"),
        choices=[(k.value, k.label) for k in PeriodKind if k in MANUAL_PERIOD_KINDS],
        initial=PeriodKind.MONTH,
    )
    definition = forms.CharField(
        label=_("Definition"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Exactly what is counted, and where the number comes from."),
    )
    is_active = forms.BooleanField(
        label=_("Active (offered to goals, targets and dashboards)"), required=False, initial=True
    )

    def __init__(self, *args, instance: ManualMetric | None = None, **kwargs):
        if instance is not None and not kwargs.get("initial"):
            kwargs["initial"] = {
                "code": instance.code,
                "name": instance.name,
                "name_en": instance.name_en,
                "unit": instance.unit,
                "better": {True: "up", False: "down", None: ""}[instance.higher_is_better],
                "period_kind": instance.period_kind,
                "definition": instance.definition,
                "is_active": instance.is_active,
            }
        super().__init__(*args, **kwargs)
        self.instance = instance
        if instance is not None:
            self.fields["code"].disabled = True
            self.fields["code"].help_text = _("The code (and so the key) never changes.")
        else:
            del self.fields["is_active"]

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        better = data.pop("better", "")
        data["higher_is_better"] = {"up": True, "down": False}.get(better)
        if self.instance is not None:
            data.pop("code", None)
        return data


class ManualValueForm(StyledFormMixin, forms.Form):
    period = forms.CharField(label=_("Period"), max_length=30)
    value = DecimalText(label=_("Value"))
    scale = forms.ChoiceField(label=_("In"), required=False)
    source = forms.CharField(
        label=_("Source"),
        max_length=300,
        help_text=_("Where the number comes from: a report, a system, a person."),
    )

    def __init__(self, *args, metric: ManualMetric, **kwargs):
        super().__init__(*args, **kwargs)
        self.metric = metric
        self.fields["period"].widget.attrs["placeholder"] = PERIOD_EXAMPLES.get(
            metric.period_kind, ""
        )
        self.fields["period"].help_text = _("For example %(example)s.") % {
            "example": PERIOD_EXAMPLES.get(metric.period_kind, "")
        }
        self.fields["value"].label = f"{_('Value')}{unit_hint(metric.unit)}"
        scales = scale_choices(metric.unit)
        if metric.unit == Unit.SECONDS:
            scale_field = self.fields["scale"]
            assert isinstance(scale_field, forms.ChoiceField)
            scale_field.choices = scales
        else:
            del self.fields["scale"]

    def clean(self):
        data = super().clean() or {}
        if data.get("value") is not None:
            try:
                check_places(self.metric.unit, data.get("scale", ""), data["value"])
            except ValidationError as exc:
                self.add_error("value", exc)
        return data

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "period": data["period"].strip(),
            "value": to_stored(self.metric.unit, data.get("scale", ""), data["value"]),
            "source": data["source"],
        }


class ManualImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Values file"),
        help_text=_("An .xlsx workbook made from the template."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(IMPORT_EXTENSIONS)}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in IMPORT_EXTENSIONS:
            raise ValidationError(_("Upload an .xlsx file."))
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise ValidationError(
                _("The file is %(size)s; the limit is %(limit)s.")
                % {
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(settings.IMPORT_MAX_BYTES),
                }
            )
        return upload


# --- Targets --------------------------------------------------------------------------------------


def metric_choices() -> list[tuple[str, str]]:
    return [(m.key, f"{m.name} ({m.key})") for m in registry.metrics()]


class TargetForm(StyledFormMixin, forms.Form):
    """The metric, its scope (org-wide, or one code of a dimension the metric is cut by), the
    target in the metric's display unit and the direction. The choices follow the metric and
    dimension chosen (the page reloads the form with htmx when they change)."""

    metric = forms.ChoiceField(label=_("Metric"))
    dimension = forms.ChoiceField(label=_("For"), required=False)
    code = forms.ChoiceField(label=_("Which"), required=False)
    value = DecimalText(label=_("Target"))
    scale = forms.ChoiceField(label=_("In"), required=False)
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, fixed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        choices = metric_choices()
        self._field("metric").choices = choices
        key = self._current("metric") or (choices[0][0] if choices else "")
        self.chosen = registry.get(key) if key else None
        dims = sorted(self.chosen.dimensions) if self.chosen else []
        self._field("dimension").choices = [("", _("The whole organisation"))] + [
            (d, Dimension(d).label) for d in Dimension.values if d in dims
        ]
        dimension = self._current("dimension")
        codes = access.dimension_values(dimension) if dimension in dims else []
        self._field("code").choices = [("", "—"), *codes]
        if not dimension or dimension not in dims:
            del self.fields["code"]
        unit = self.chosen.unit if self.chosen else ""
        self.fields["value"].label = f"{_('Target')}{unit_hint(unit)}"
        if unit == Unit.SECONDS:
            self._field("scale").choices = scale_choices(unit)
        else:
            del self.fields["scale"]
        if self.chosen and not self._current("direction") and not self.is_bound:
            self.fields["direction"].initial = default_direction(self.chosen)
        if fixed:
            for name in ("metric", "dimension", "code"):
                if name in self.fields:
                    self.fields[name].disabled = True

    def _field(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        return field

    def _current(self, name: str) -> str:
        if self.is_bound:
            return str(self.data.get(name, "") or self.initial.get(name, "") or "")
        return str(self.initial.get(name, "") or "")

    def clean(self):
        data = super().clean() or {}
        if data.get("value") is not None and self.chosen is not None:
            try:
                check_places(self.chosen.unit, data.get("scale", ""), data["value"])
            except ValidationError as exc:
                self.add_error("value", exc)
        return data

    def values(self) -> dict:
        data = self.cleaned_data
        unit = self.chosen.unit if self.chosen else ""
        return {
            "metric": data["metric"],
            "dimension": data.get("dimension") or "",
            "code": data.get("code") or "",
            "value": to_stored(unit, data.get("scale", ""), data["value"]),
            "direction": data.get("direction") or None,
            "note": data.get("note", ""),
        }
