"""The organisation's targets: one per metric, overall or for one code of a dimension. Staff
read the list; administrators and managers set, change and delete targets."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .. import access, registry, services
from ..forms import TargetForm, display, to_typed
from ..models import Target
from ..registry import Dimension
from .common import add_errors, manager_required, staff_required


@dataclass
class TargetRow:
    target: Target
    metric: str
    unit: str
    scope: str
    text: str
    known: bool  # the metric still exists


def _scope_label(target: Target) -> str:
    if not target.dimension:
        return _("The whole organisation")
    name = str(
        Dimension(target.dimension).label
        if target.dimension in Dimension.values
        else target.dimension
    )
    return f"{name}: {access.dimension_label(target.dimension, target.code)}"


def _rows(user) -> list[TargetRow]:
    metrics = {m.key: m for m in registry.metrics()}
    rows = []
    for target in access.targets_for_user(user):
        metric = metrics.get(target.metric)
        unit = metric.unit if metric else ""
        sign = "≥" if target.direction == "at_least" else "≤"
        rows.append(
            TargetRow(
                target=target,
                metric=str(metric.name) if metric else target.metric,
                unit=unit,
                scope=_scope_label(target),
                text=f"{sign} {display(unit, target.value)}",
                known=metric is not None,
            )
        )
    return rows


def _form(request, data=None, **kwargs) -> TargetForm:
    form = TargetForm(data, **kwargs)
    reload = {
        "hx-get": reverse("metrics:target_form"),
        "hx-trigger": "change",
        "hx-target": "#target-form",
        "hx-swap": "outerHTML",
        "hx-include": "closest form",
    }
    for name in ("metric", "dimension"):
        if name in form.fields and not form.fields[name].disabled:
            form.fields[name].widget.attrs.update(reload)
    return form


@staff_required
def target_list(request):
    can_edit = access.can_manage_metrics(request.user)
    form = None
    if can_edit:
        form = _form(request, request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                _target, created = services.do_set_target(request.user, **form.values())
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(
                    request,
                    (_("The target was set.") if created else _("The target was changed.")),
                )
                return redirect("metrics:targets")
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "metrics/targets.html",
        {"rows": _rows(request.user), "form": form, "can_edit": can_edit},
    )


@manager_required
@require_GET
def target_form(request):
    """The form again for the metric and dimension chosen (htmx): the dimensions the metric is
    cut by, that dimension's codes, the value's unit and the default direction."""
    names = ("metric", "dimension", "code", "value", "scale", "note")  # direction: the default
    initial = {k: request.GET.get(k, "")[:300] for k in names}
    form = _form(request, initial=initial)
    return render(request, "metrics/targets.html#target_form", {"form": form})


@manager_required
def target_edit(request, pk: int):
    target = access.get_target_for_user(request.user, pk)
    typed, scale = to_typed(_unit_of(target.metric), target.value)
    initial = {
        "metric": target.metric,
        "dimension": target.dimension,
        "code": target.code,
        "value": typed,
        "scale": scale,
        "direction": target.direction,
        "note": target.note,
    }
    data = None
    if request.method == "POST":
        data = request.POST.copy()
        for key in ("metric", "dimension", "code"):
            data[key] = initial[key]
    form = _form(request, data, initial=initial, fixed=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_set_target(request.user, **form.values())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The target was changed."))
            return redirect("metrics:targets")
    return render(
        request,
        "metrics/target_form.html",
        {"form": form, "target": target, "scope": _scope_label(target)},
    )


def _unit_of(key: str) -> str:
    metric = registry.get(key)
    return metric.unit if metric else ""


@manager_required
@require_POST
def target_delete(request, pk: int):
    target = access.get_target_for_user(request.user, pk)
    services.do_delete_target(request.user, target)
    messages.success(request, _("The target was deleted."))
    return redirect("metrics:targets")
