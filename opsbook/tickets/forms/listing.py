"""The list's forms: the filter controls, saving filters under a name, bulk actions.

Filters are parsed by ``filters.parse`` (the one allow-listed parser of page and API); this
module only draws them. The list template draws every control itself from the small
``Control`` objects built here, without Django's widget templates: a form widget renders two
templates per option, which made drawing the filters most of a list page's time. The forms
(``SaveFilterForm``, ``BulkActionForm``) only validate what is posted.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Choices
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from opsbook.accounts.models import Team
from opsbook.catalog.choices import Channel, Priority

from ..choices import SlaState, Status, TicketType
from ..filters import MAX_FILTER_NAME, MAX_TAG, MAX_TEXT, ORDERINGS
from .fields import assignable_users, autocomplete_context, to_int

MAX_BULK = 100
PAGE_SIZES = (25, 50, 100)
QUERY_LENGTH = 4000


# --- controls drawn by the list template ------------------------------------------------------


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    selected: bool


@dataclass
class Control:
    """One form control: ``kind`` is "input" (``input_type`` text, date or hidden), "select",
    "checkboxes" (``options`` as boxes) or "autocomplete" (``widget`` for its template)."""

    kind: str
    name: str
    id: str
    label: Any = ""
    value: str = ""
    input_type: str = "text"
    maxlength: int | None = None
    placeholder: Any = ""
    no_autocomplete: bool = False
    required: bool = False
    invalid: bool = False
    options: list[Option] = field(default_factory=list)
    widget: dict[str, Any] = field(default_factory=dict)

    @property
    def label_for(self) -> str:
        """The id a <label> points at (an autocomplete's text box)."""
        return f"{self.id}_text" if self.kind == "autocomplete" else self.id


def _options(choices: Iterable[tuple[Any, Any]], current: Sequence[str]) -> list[Option]:
    return [Option(str(v), str(label), str(v) in current) for v, label in choices]


def select(prefix: str, name: str, label: Any, choices: Iterable, current: str) -> Control:
    return Control("select", name, f"{prefix}{name}", label, options=_options(choices, [current]))


def text_input(prefix: str, name: str, label: Any = "", value: str = "", **attrs: Any) -> Control:
    return Control("input", name, f"{prefix}{name}", label, value=value, **attrs)


def autocomplete_control(
    prefix: str, name: str, label: Any, *, value: str, shown: str, url: str, placeholder: Any
) -> Control:
    return Control(
        "autocomplete",
        name,
        f"{prefix}{name}",
        label,
        value=value,
        widget=autocomplete_context(
            name=name,
            value=value,
            id_=f"{prefix}{name}",
            label=shown,
            url=url,
            placeholder=str(placeholder),
        ),
    )


@dataclass
class FilterControls:
    """The filter form: the search box, the status boxes, then the other ``fields``."""

    q: Control
    status: Control
    fields: list[Control]


def _any(label: Any, choices: type[Choices]) -> list[tuple[Any, Any]]:
    return [("", label), *choices.choices]


def filter_controls(
    values: QueryDict, *, labels: dict[str, str], teams: Iterable[Team], invalid: Iterable[str]
) -> FilterControls:
    """The filters drawn with ``values`` (the filters as understood, and what the user typed
    where it was not understood). ``labels`` name the service, customer and person chosen
    (no query here); ``invalid`` are the names of the filters that were not understood."""
    p, bad = "id_filter_", set(invalid)
    one = {name: values.get(name) or "" for name in values}

    def choose(name: str, label: Any, choices: Iterable[tuple[Any, Any]]) -> Control:
        return select(p, name, label, choices, one.get(name, ""))

    def typed(name: str, label: Any, **attrs: Any) -> Control:
        return text_input(p, name, label, one.get(name, ""), invalid=name in bad, **attrs)

    def chosen(name: str, label: Any, url: str, placeholder: Any) -> Control:
        value = one.get(name, "")
        shown = labels.get(name, "") if value else ""
        return autocomplete_control(
            p, name, label, value=value, shown=shown, url=url, placeholder=placeholder
        )

    users = reverse("tickets:autocomplete_users")
    return FilterControls(
        q=typed(
            "q",
            _("Search"),
            maxlength=MAX_TEXT,
            placeholder=_("Title, #number or external id"),
            no_autocomplete=True,
        ),
        status=Control(
            "checkboxes",
            "status",
            f"{p}status",
            _("Status"),
            options=_options(Status.choices, values.getlist("status")),
        ),
        fields=[
            choose("type", _("Type"), _any(_("Any type"), TicketType)),
            choose("channel", _("Channel"), _any(_("Any channel"), Channel)),
            choose("priority", _("Priority"), _any(_("Any priority"), Priority)),
            choose("sla", _("SLA"), _any(_("Any SLA state"), SlaState)),
            chosen("item", _("Service"), reverse("tickets:autocomplete_items"), _("Any service")),
            chosen(
                "customer",
                _("Customer"),
                reverse("tickets:autocomplete_customers"),
                _("Any customer"),
            ),
            chosen("assignee", _("Assignee"), f"{users}?purpose=filter", _("Anyone")),
            choose("team", _("Team"), [("", _("Any team")), *((t.pk, t.name) for t in teams)]),
            typed("tag", _("Tag"), maxlength=MAX_TAG),
            typed("created_from", _("Created from"), input_type="date"),
            typed("created_to", _("Created to"), input_type="date"),
            choose("ordering", _("Order"), [(k, o.label) for k, o in ORDERINGS.items()]),
            choose("per_page", _("Per page"), [(n, str(n)) for n in PAGE_SIZES]),
        ],
    )


# --- saved filters ----------------------------------------------------------------------------


class SaveFilterForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=MAX_FILTER_NAME)
    query = forms.CharField(required=False, max_length=QUERY_LENGTH)


def save_controls(query: str) -> dict[str, Control]:
    """The "save these filters" form of the list."""
    p = "id_save_"
    return {
        "query": text_input(p, "query", value=query, input_type="hidden"),
        "name": text_input(
            p,
            "name",
            SaveFilterForm.base_fields["name"].label,
            maxlength=MAX_FILTER_NAME,
            placeholder=_("Name these filters"),
            required=True,
        ),
    }


# --- bulk actions -----------------------------------------------------------------------------


class TicketIdsField(forms.Field):
    """The ticket ids ticked in the list (checked against the user's scope by the view)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        ids: list[int] = []
        for raw in values:
            raw = str(raw).strip()
            if not raw.isascii() or not raw.isdigit() or not 0 < int(raw) < 2**63:
                raise ValidationError(_("%(value)r is not a ticket id.") % {"value": raw[:20]})
            if int(raw) not in ids:
                ids.append(int(raw))
        if len(ids) > MAX_BULK:
            raise ValidationError(
                _("Select at most %(count)d tickets at a time.") % {"count": MAX_BULK}
            )
        return ids


BULK_ACTIONS = {
    "assign": _("Assign"),
    "status": _("Set status"),
    "priority": _("Set priority"),
    "tag": _("Add tag"),
}


class BulkActionForm(forms.Form):
    """One action (the button pressed) on the tickets ticked in the list."""

    tickets = TicketIdsField()
    action = forms.ChoiceField(choices=list(BULK_ACTIONS.items()))
    assignee = forms.CharField(label=_("Assign to"), required=False)
    status = forms.ChoiceField(
        label=_("Set status"), required=False, choices=[("", "—"), *Status.choices]
    )
    priority = forms.ChoiceField(
        label=_("Set priority"), required=False, choices=[("", "—"), *Priority.choices]
    )
    tag = forms.CharField(label=_("Add tag"), required=False, max_length=MAX_TAG)
    return_query = forms.CharField(required=False, max_length=QUERY_LENGTH)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tickets"].error_messages["required"] = _("Tick at least one ticket.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        action = cleaned.get("action")
        if action == "assign":
            value = (cleaned.get("assignee") or "").strip()
            if value == "none":
                cleaned["assignee_user"] = None
            else:
                user = assignable_users().filter(pk=to_int(value)).first() if value else None
                if user is None:
                    self.add_error("assignee", _("Choose a person to assign, or “Unassigned”."))
                cleaned["assignee_user"] = user
        elif action in {"status", "priority"} and not cleaned.get(action):
            self.add_error(action, _("Choose a value to set."))
        elif action == "tag":
            cleaned["tag"] = " ".join((cleaned.get("tag") or "").split())
            if not cleaned["tag"]:
                self.add_error("tag", _("Write the tag to add."))
        return cleaned


def bulk_controls(return_query: str) -> dict[str, Control]:
    """The bulk bar above the list: one control per action, and the list to come back to."""
    p, fields = "id_bulk_", BulkActionForm.base_fields
    users = reverse("tickets:autocomplete_users")
    return {
        "return_query": text_input(p, "return_query", value=return_query, input_type="hidden"),
        "assignee": autocomplete_control(
            p,
            "assignee",
            fields["assignee"].label,
            value="",
            shown="",
            url=f"{users}?purpose=assign",
            placeholder=_("Choose a person"),
        ),
        "status": select(p, "status", fields["status"].label, [("", "—"), *Status.choices], ""),
        "priority": select(
            p, "priority", fields["priority"].label, [("", "—"), *Priority.choices], ""
        ),
        "tag": text_input(
            p, "tag", fields["tag"].label, maxlength=MAX_TAG, placeholder=_("Tag name")
        ),
    }
