"""The organisation's default SLA targets as one form: a row per ticket type and priority."""

from typing import Any

from django import forms

from opsbook.catalog.choices import Priority, TimeBasis
from opsbook.catalog.wording import targets_text
from opsbook.core.forms import StyledFormMixin

from ..choices import TicketType
from ..models import DefaultTarget
from ..services import Targets


def _key(ticket_type: str, priority: str) -> str:
    return f"{ticket_type}-{priority}"


class DefaultTargetsForm(StyledFormMixin, forms.Form):
    """Response and resolution minutes (empty: no target) and the time basis of every
    (type, priority); ``rows`` gives the template one line per pair with its bound fields."""

    def __init__(self, *args: Any, targets: list[DefaultTarget], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = {(t.type, t.priority): t for t in targets}
        self.pairs = [(t, p) for t in TicketType.values for p in Priority.values]
        for ticket_type, priority in self.pairs:
            key, target = _key(ticket_type, priority), current.get((ticket_type, priority))
            for name in ("response_minutes", "resolution_minutes"):
                self.fields[f"{key}-{name}"] = forms.IntegerField(
                    required=False,
                    min_value=1,
                    initial=getattr(target, name, None),
                    widget=forms.NumberInput(attrs={"inputmode": "numeric", "size": 6}),
                )
            self.fields[f"{key}-time_basis"] = forms.ChoiceField(
                choices=TimeBasis.choices,
                initial=getattr(target, "time_basis", TimeBasis.BUSINESS),
            )
        self.current = current

    def rows(self) -> list[dict[str, Any]]:
        type_labels, priority_labels = dict(TicketType.choices), dict(Priority.choices)
        rows = []
        for ticket_type, priority in self.pairs:
            key = _key(ticket_type, priority)
            target = self.current.get((ticket_type, priority))
            rows.append(
                {
                    "type": type_labels[ticket_type],
                    "priority": priority_labels[priority],
                    "minutes": [
                        self[f"{key}-response_minutes"],
                        self[f"{key}-resolution_minutes"],
                    ],
                    "basis": self[f"{key}-time_basis"],
                    "basis_label": TimeBasis(target.time_basis).label if target else "",
                    "text": targets_text(
                        target.response_minutes,
                        target.resolution_minutes,
                        target.time_basis,
                    )
                    if target is not None
                    else "",
                }
            )
        return rows

    def targets(self) -> dict[tuple[str, str], Targets]:
        data = self.cleaned_data
        return {
            (t, p): Targets(
                data.get(f"{_key(t, p)}-response_minutes"),
                data.get(f"{_key(t, p)}-resolution_minutes"),
                data.get(f"{_key(t, p)}-time_basis") or TimeBasis.BUSINESS,
            )
            for t, p in self.pairs
        }


__all__ = ["DefaultTargetsForm"]
