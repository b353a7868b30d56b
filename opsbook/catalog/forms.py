"""Forms for the checklist pages: filtering the tree, bulk edits, items, content, their parts,
categories and the import upload. Forms validate and convert; writes go through services."""

from pathlib import Path
from typing import Any, ClassVar, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.template.defaultfilters import filesizeformat
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from opsbook.accounts.models import Team, User
from opsbook.core.forms import StyledFormMixin

from . import services
from .choices import DueShift, FrequencyPeriod, Status, Tier
from .filters import ANY_STATUS, MINE, ON_DEMAND
from .frequency import FrequencyError, parse_frequency
from .models import (
    Category,
    Checkpoint,
    Kpi,
    Ownership,
    Resource,
    ServiceContent,
    ServiceItem,
    ServiceStandard,
)

IMPORT_EXTENSIONS = (".xlsx", ".csv")


def category_choices(categories, blank_label=None) -> list[tuple[str, str]]:
    """Choices that show the tree by indenting (categories from access.category_tree_for_user)."""
    choices = [("", blank_label)] if blank_label is not None else []
    choices += [(str(c.pk), "\u3000" * c.depth + c.name) for c in categories]
    return choices


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """``form.fields[name]``, which the form declares as a ChoiceField (or a subclass)."""
    return cast(forms.ChoiceField, form.fields[name])


def model_choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    return cast(forms.ModelChoiceField, form.fields[name])


def owner_choices() -> list:
    """People and teams, grouped, as "user:<id>" / "team:<id>" values. Two queries."""
    people = [(f"user:{u.pk}", u.label) for u in User.objects.staff()]
    teams = [(f"team:{t.pk}", t.name) for t in Team.objects.all()]
    return [(_("People"), people), (_("Teams"), teams)]


def split_owner(value: str) -> tuple[str, int]:
    kind, _sep, pk = value.partition(":")
    return kind, int(pk)


# --- The tree: filters and bulk edits ---------------------------------------------------------


class ItemFilterForm(StyledFormMixin, forms.Form):
    """The search box and filters above the tree, as drawn; ``filters.parse`` reads the same
    query string to narrow the list. Invalid values are ignored, not fatal."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100, widget=forms.SearchInput)
    owner = forms.ChoiceField(label=_("Owner"), required=False)
    period = forms.ChoiceField(
        label=_("Frequency"),
        required=False,
        choices=[("", _("Any frequency")), *FrequencyPeriod.choices, (ON_DEMAND, _("On demand"))],
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Not retired")), (ANY_STATUS, _("Any status")), *Status.choices],
    )
    tier = forms.ChoiceField(
        label=_("Tier"), required=False, choices=[("", _("Any tier")), *Tier.choices]
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    unread = forms.ChoiceField(
        label=_("Standards and KPIs"),
        required=False,
        choices=[
            ("", _("Any")),
            ("standards", _("Text-only standards")),
            ("kpis", _("Qualitative KPIs")),
            ("any", _("Text-only or qualitative")),
        ],
    )
    due = forms.BooleanField(label=_("Due for review"), required=False)

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = {c.pk: c for c in categories}
        choice_field(self, "owner").choices = [
            ("", _("Anyone")),
            (MINE, _("Mine (me or my team)")),
            *owner_choices(),
        ]
        choice_field(self, "category").choices = category_choices(categories, _("All categories"))
        for name, field in self.fields.items():
            if name != "q":
                field.widget.attrs["class"] += " js-filter"
        self.fields["q"].widget.attrs.update(
            {"placeholder": _("Code, name or content"), "autocomplete": "off"}
        )


class BulkUpdateForm(StyledFormMixin, forms.Form):
    """Set the status, tier or next review date of the selected items."""

    items = forms.ModelMultipleChoiceField(
        queryset=ServiceItem.objects.none(), widget=forms.MultipleHiddenInput
    )
    status = forms.ChoiceField(
        label=_("Set status"), required=False, choices=[("", _("(unchanged)")), *Status.choices]
    )
    tier = forms.ChoiceField(
        label=_("Set tier"), required=False, choices=[("", _("(unchanged)")), *Tier.choices]
    )
    next_review_date = forms.DateField(
        label=_("Set next review"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    return_query = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, items=None, **kwargs):
        kwargs.setdefault("auto_id", "id_bulk_%s")  # the filter form above uses id_status …
        super().__init__(*args, **kwargs)
        if items is not None:
            model_choice_field(self, "items").queryset = items
        self.fields["items"].error_messages["required"] = _("Select at least one item.")

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if not self.values():
            raise ValidationError(_("Choose a status, a tier or a next review date to set."))
        return cleaned

    def values(self) -> dict:
        data = getattr(self, "cleaned_data", {})
        return {
            name: data[name]
            for name in ("status", "tier", "next_review_date")
            if data.get(name) not in (None, "")
        }


# --- Items and content ------------------------------------------------------------------------


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EntryForm(StyledFormMixin, forms.ModelForm):
    """Fields common to items and content, with the frequency read by the parser."""

    Meta: ClassVar[Any]  # each form below declares its model and fields

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, can_retire=True, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].required = True
            if not self.is_bound:
                self.initial["version"] = self.instance.version
        else:
            self.fields["code"].required = False
            self.fields["code"].help_text = _("Leave empty to number it automatically.")
        if not can_retire and self.instance.status != Status.RETIRED:
            status = choice_field(self, "status")
            choices = cast(list[tuple[str, str]], status.choices)  # a model field's list
            status.choices = [c for c in choices if c[0] != Status.RETIRED]
        self.fields["frequency_text"].widget.attrs.update(
            {
                "hx-get": reverse_lazy("catalog:frequency_preview"),
                "hx-trigger": "input changed delay:400ms",
                "hx-target": "#frequency-hint",
            }
        )

    def clean_frequency_text(self):
        text = (self.cleaned_data.get("frequency_text") or "").strip()
        if text:
            try:
                parse_frequency(text)
            except FrequencyError as exc:
                raise ValidationError(str(exc)) from None
        return text

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date cannot be before the start date."))
        return cleaned

    def values(self) -> dict:
        """The field values for services.do_create_*/do_update_*."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    @property
    def expected_version(self) -> int | None:
        return self.cleaned_data.get("version")


ENTRY_WIDGETS = {
    "description": forms.Textarea(attrs={"rows": 3}),
    "notes": forms.Textarea(attrs={"rows": 3}),
    "start_date": _date_widget(),
    "end_date": _date_widget(),
}


class ItemForm(EntryForm):
    class Meta:
        model = ServiceItem
        # services.ITEM_FIELDS, in the order people fill them in.
        fields = [
            "category",
            "code",
            "name",
            "tier",
            "status",
            "description",
            "frequency_text",
            "target_customers",
            "service_hours",
            "delivery_mode",
            "region",
            "start_date",
            "end_date",
            "review_cycle_months",
            "next_review_date",
            "notes",
            "sort_order",
        ]
        widgets = {**ENTRY_WIDGETS, "next_review_date": _date_widget()}

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = model_choice_field(self, "category")
        field.queryset = Category.objects.filter(pk__in=[c.pk for c in categories])
        field.choices = category_choices(categories, "---------")


class ContentForm(EntryForm):
    class Meta:
        model = ServiceContent
        fields = [
            "code",
            "name",
            "status",
            "description",
            "frequency_text",
            "start_date",
            "end_date",
            "notes",
            "sort_order",
            # How recurring work is generated from it (opsbook.routines).
            "calendar",
            "due_shift",
            "effort_minutes",
        ]
        widgets = ENTRY_WIDGETS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A form posted without it (an older page, a script) keeps the usual rule.
        self.fields["due_shift"].required = False

    def clean_due_shift(self):
        return self.cleaned_data.get("due_shift") or DueShift.PREVIOUS


# --- Parts: repeatable rows -------------------------------------------------------------------


class PartFormSet(forms.BaseFormSet):
    """Rows of one kind of part. ``parts()`` gives unsaved instances for services.Parts."""

    def kept_forms(self):
        for index, form in enumerate(self.forms):
            # django-stubs leave out BaseFormSet._should_delete_form, which Django has.
            if self.can_delete and self._should_delete_form(form):  # type: ignore[attr-defined]
                continue
            if index >= self.initial_form_count() and not form.has_changed():
                continue
            yield index, form

    def parts(self) -> list:
        return [form.to_part() for _index, form in self.kept_forms()]


class PartForm(StyledFormMixin, forms.ModelForm):
    def to_part(self):
        return self.instance


class OwnerForm(StyledFormMixin, forms.Form):
    owner = forms.ChoiceField(label=_("Owner"))

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "owner").choices = [("", "---------"), *(owners or [])]

    def to_part(self) -> Ownership:
        kind, pk = split_owner(self.cleaned_data["owner"])
        if kind == "user":
            return Ownership(user=User.objects.get(pk=pk))
        return Ownership(team=Team.objects.get(pk=pk))


class OwnerFormSet(PartFormSet):
    """Owner rows with one "primary" radio shared by the rows (``<prefix>-primary``)."""

    @property
    def primary_name(self) -> str:
        return f"{self.prefix}-primary"

    @property
    def primary_index(self) -> int | None:
        if self.is_bound:
            try:
                return int(self.data.get(self.primary_name, ""))
            except ValueError:
                return None
        for index, row in enumerate(self.initial or []):
            if row.get("is_primary"):
                return index
        return None

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [index for index, _form in self.kept_forms()]
        if len(kept) == 1 and self.primary_index not in kept:
            data = cast(QueryDict, self.data).copy()
            data[self.primary_name] = str(kept[0])
            self.data = data
        elif kept and self.primary_index not in kept:
            raise ValidationError(_("Choose which owner is the primary owner."))
        chosen = [form.cleaned_data["owner"] for _index, form in self.kept_forms()]
        if len(chosen) != len(set(chosen)):
            raise ValidationError(_("Each owner can be listed only once."))

    def parts(self) -> list:
        primary = self.primary_index
        owners = []
        for index, form in self.kept_forms():
            part = form.to_part()
            part.is_primary = index == primary
            owners.append(part)
        return owners


class StandardForm(PartForm):
    class Meta:
        model = ServiceStandard
        fields = [
            "text",
            "channel",
            "priority",
            "response_minutes",
            "resolution_minutes",
            "time_basis",
            "calendar",
            "description",
            "followup_minutes",
            "lead_days",
            "due_day",
            "min_staff",
        ]
        widgets = {"text": forms.TextInput(attrs={"class": "part-text"})}


class KpiForm(PartForm):
    class Meta:
        model = Kpi
        fields = ["text", "name", "direction", "target", "unit", "metric", "description"]
        widgets = {"text": forms.TextInput(attrs={"class": "part-text"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = False
        self.fields["name"].help_text = _("Empty: read from the KPI's text.")

    def clean(self):
        data = super().clean()
        if data is not None and not data.get("name") and data.get("text"):
            kpi = Kpi(text=data["text"])
            try:
                services.read_kpi_text(kpi)
            except ValidationError as exc:
                raise ValidationError(exc.messages) from None
            # The text loses a metric key written after it ([sla.response.met_rate]): the
            # key is the metric field's.
            for name in ("name", "target", "unit", "direction", "description", "metric", "text"):
                data[name] = getattr(kpi, name)
                setattr(self.instance, name, getattr(kpi, name))
        return data


class CheckpointForm(PartForm):
    class Meta:
        model = Checkpoint
        fields = ["due_date", "title", "done"]
        widgets = {"due_date": _date_widget()}


class ResourceForm(PartForm):
    class Meta:
        model = Resource
        fields = ["kind", "description"]


def _formset(form, base=PartFormSet):
    return forms.formset_factory(form, formset=base, extra=1, can_delete=True, max_num=50)


PART_FORMSETS = {
    "owners": _formset(OwnerForm, OwnerFormSet),
    "standards": _formset(StandardForm),
    "kpis": _formset(KpiForm),
    "checkpoints": _formset(CheckpointForm),
    "resources": _formset(ResourceForm),
}
PART_FIELDS = {
    "standards": StandardForm.Meta.fields,
    "kpis": KpiForm.Meta.fields,
    "checkpoints": CheckpointForm.Meta.fields,
    "resources": ResourceForm.Meta.fields,
}


def part_formsets(data=None, part_set=None) -> dict[str, forms.BaseFormSet]:
    """One formset per kind of part, filled from ``part_set`` (access.PartSet) when not bound."""
    formsets = {}
    owners = owner_choices()
    for name, formset_class in PART_FORMSETS.items():
        initial = None
        if part_set is not None:
            rows = getattr(part_set, name)
            if name == "owners":
                initial = [
                    {
                        "owner": f"user:{o.user_id}" if o.user_id else f"team:{o.team_id}",
                        "is_primary": o.is_primary,
                    }
                    for o in rows
                ]
            else:
                initial = [forms.model_to_dict(row, fields=PART_FIELDS[name]) for row in rows]
        kwargs = {"form_kwargs": {"owners": owners}} if name == "owners" else {}
        formsets[name] = formset_class(data, initial=initial, prefix=name, **kwargs)
    return formsets


def parts_from(formsets) -> services.Parts:
    return services.Parts(**{name: formset.parts() for name, formset in formsets.items()})


# --- Categories -------------------------------------------------------------------------------


class CategoryForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Category
        fields = list(services.CATEGORY_FIELDS)
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # A category cannot move under itself or under one of its descendants.
            below = {self.instance.pk}
            for c in categories:  # depth first: a parent always comes before its children
                if c.parent_id in below:
                    below.add(c.pk)
            categories = [c for c in categories if c.pk not in below]
        field = model_choice_field(self, "parent")
        field.queryset = Category.objects.filter(pk__in=[c.pk for c in categories])
        field.choices = category_choices(categories, _("(top level)"))

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


# --- Import -----------------------------------------------------------------------------------


class ImportUploadForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Checklist file"),
        help_text=_("An .xlsx workbook made from the template, or a .csv file."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(IMPORT_EXTENSIONS)}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in IMPORT_EXTENSIONS:
            raise ValidationError(_("Upload an .xlsx or .csv file."))
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise ValidationError(
                _("The file is %(size)s; the limit is %(limit)s.")
                % {
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(settings.IMPORT_MAX_BYTES),
                }
            )
        return upload
