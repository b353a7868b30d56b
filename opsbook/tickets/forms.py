"""Forms of the staff ticket pages. Forms validate and convert; writes go through services and
the list filters are parsed by ``filters`` (the filter form only draws them)."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from opsbook.accounts.choices import Role
from opsbook.accounts.models import Customer, Team, User
from opsbook.catalog.choices import Channel, Priority
from opsbook.catalog.models import ServiceItem
from opsbook.core import clock
from opsbook.core.forms import StyledFormMixin

from . import access
from .attachments import check_upload
from .choices import FollowUpMethod, SlaState, Status, TicketType
from .filters import MAX_FILTER_NAME, MAX_TAG, MAX_TEXT, ORDERINGS
from .models import Ticket

MAX_FILES = 10
MAX_BULK = 100
PAGE_SIZES = (25, 50, 100)
TAG_SEPARATORS = (",", "，", "、", ";", "；")


def assignable_users():
    """Staff who may be given tickets (viewers only read)."""
    return User.objects.staff().exclude(role=Role.VIEWER).select_related("team")


def split_tags(text: str) -> list[str]:
    for separator in TAG_SEPARATORS[1:]:
        text = text.replace(separator, TAG_SEPARATORS[0])
    names = []
    for part in text.split(","):
        name = " ".join(part.split())
        if name and name not in names:
            names.append(name)
    return names


# --- widgets and fields -----------------------------------------------------------------------


class AutocompleteInput(forms.Widget):
    """A hidden input holding the value and a text box that asks an autocomplete endpoint
    (tickets.js) for choices. ``resolve(value)`` gives the label shown for the current value."""

    template_name = "tickets/widgets/autocomplete.html"

    def __init__(self, url, *, include: str = "", placeholder="", attrs=None):
        super().__init__(attrs)
        self.url = url
        self.include = include  # "param=#element-id": another field's value sent along
        self.placeholder = placeholder
        self.resolve = None

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        value = context["widget"]["value"]
        label = ""
        if value not in (None, "") and self.resolve is not None:
            label = self.resolve(value) or ""
        context["widget"].update(
            url=str(self.url),
            include=self.include,
            label=label,
            placeholder=str(self.placeholder),
        )
        return context

    def id_for_label(self, id_):
        return f"{id_}_text" if id_ else id_

    def format_value(self, value):
        return "" if value is None else str(value)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input, each checked like an attachment before anything is saved."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if not files and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
        if len(files) > MAX_FILES:
            raise ValidationError(
                _("Attach at most %(count)d files at a time.") % {"count": MAX_FILES}
            )
        cleaned, errors = [], []
        for upload in files:
            upload = super().clean(upload, initial)
            try:
                check_upload(upload)
            except ValidationError as exc:
                errors.extend(exc.messages)
            else:
                cleaned.append(upload)
        if errors:
            raise ValidationError(errors)
        return cleaned


class VersionedForm(StyledFormMixin, forms.Form):
    """Carries the ticket's version, so a save over someone else's change is a conflict."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def _item_label(value):
    item = ServiceItem.objects.filter(pk=_int(value)).only("code", "name").first()
    return f"{item.code} {item.name}" if item else ""


def _customer_label(value):
    customer = Customer.objects.filter(pk=_int(value)).only("name").first()
    return customer.name if customer else ""


def _user_label(value):
    user = User.objects.filter(pk=_int(value)).first()
    return user.label if user else ""


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _autocomplete(url_name, *, purpose="", include="", placeholder="", resolve=None):
    url = reverse_lazy(url_name)
    widget = AutocompleteInput(
        f"{url}?purpose={purpose}" if purpose else url,
        include=include,
        placeholder=placeholder,
    )
    widget.resolve = resolve
    return widget


# --- the list: filters, saved filters, bulk actions --------------------------------------------


class TicketFilterForm(StyledFormMixin, forms.Form):
    """Draws the filters above the list. Values are parsed by ``filters.parse``; ``labels``
    name the service, customer and person already chosen (no query here)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=MAX_TEXT)
    status = forms.MultipleChoiceField(
        label=_("Status"),
        required=False,
        choices=Status.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("Any type")), *TicketType.choices]
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("Any channel")), *Channel.choices]
    )
    priority = forms.ChoiceField(
        label=_("Priority"), required=False, choices=[("", _("Any priority")), *Priority.choices]
    )
    sla = forms.ChoiceField(
        label=_("SLA"), required=False, choices=[("", _("Any SLA state")), *SlaState.choices]
    )
    item = forms.CharField(label=_("Service"), required=False)
    customer = forms.CharField(label=_("Customer"), required=False)
    assignee = forms.CharField(label=_("Assignee"), required=False)
    team = forms.ChoiceField(label=_("Team"), required=False)
    tag = forms.CharField(label=_("Tag"), required=False, max_length=MAX_TAG)
    created_from = forms.DateField(
        label=_("Created from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    created_to = forms.DateField(
        label=_("Created to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ordering = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[(key, ordering.label) for key, ordering in ORDERINGS.items()],
    )
    per_page = forms.TypedChoiceField(
        label=_("Per page"),
        required=False,
        coerce=int,
        choices=[(n, str(n)) for n in PAGE_SIZES],
    )

    def __init__(self, *args, labels=None, teams=(), **kwargs):
        kwargs.setdefault("auto_id", "id_filter_%s")
        super().__init__(*args, **kwargs)
        labels = labels or {}
        self.fields["team"].choices = [("", _("Any team")), *((t.pk, t.name) for t in teams)]
        self.fields["item"].widget = _autocomplete(
            "tickets:autocomplete_items",
            placeholder=_("Any service"),
            resolve=lambda v: labels.get("item", ""),
        )
        self.fields["customer"].widget = _autocomplete(
            "tickets:autocomplete_customers",
            placeholder=_("Any customer"),
            resolve=lambda v: labels.get("customer", ""),
        )
        self.fields["assignee"].widget = _autocomplete(
            "tickets:autocomplete_users",
            purpose="filter",
            placeholder=_("Anyone"),
            resolve=lambda v: labels.get("assignee", ""),
        )
        self.fields["status"].widget.attrs["class"] = "form-check-input"
        self.fields["q"].widget.attrs.update(
            {
                "placeholder": _("Title, #number or external id"),
                "autocomplete": "off",
                "type": "search",
            }
        )


class SaveFilterForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=MAX_FILTER_NAME)
    query = forms.CharField(required=False, widget=forms.HiddenInput, max_length=4000)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_save_%s")
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["placeholder"] = _("Name these filters")


class TicketIdsField(forms.Field):
    """The ticket ids ticked in the list (checked against the user's scope by the view)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        ids = []
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


class BulkActionForm(StyledFormMixin, forms.Form):
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
    return_query = forms.CharField(required=False, widget=forms.HiddenInput, max_length=4000)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_bulk_%s")
        super().__init__(*args, **kwargs)
        self.fields["tickets"].error_messages["required"] = _("Tick at least one ticket.")
        self.fields["assignee"].widget = _autocomplete(
            "tickets:autocomplete_users", purpose="assign", placeholder=_("Choose a person")
        )
        self.fields["tag"].widget.attrs["placeholder"] = _("Tag name")

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        if action == "assign":
            value = (cleaned.get("assignee") or "").strip()
            if value == "none":
                cleaned["assignee_user"] = None
            else:
                user = assignable_users().filter(pk=_int(value)).first() if value else None
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


# --- a new ticket ------------------------------------------------------------------------------


class TicketFieldsMixin:
    """Service, customer and contact fields with permission-scoped choices."""

    def _setup_references(self, user, ticket: Ticket | None = None):
        items = access.items_for_new_ticket(user)
        customers = Customer.objects.filter(is_active=True)
        contacts = User.objects.filter(role=Role.CUSTOMER, is_active=True)
        if ticket is not None:
            # What the ticket has now stays valid, even if retired or inactive since.
            items = ServiceItem.objects.filter(Q(pk__in=items.values("pk")) | Q(pk=ticket.item_id))
            customers = Customer.objects.filter(Q(is_active=True) | Q(pk=ticket.customer_id))
            contacts = User.objects.filter(
                Q(role=Role.CUSTOMER, is_active=True) | Q(pk=ticket.contact_id)
            )
        self.fields["item"].queryset = items
        self.fields["item"].widget = _autocomplete(
            "tickets:autocomplete_items",
            purpose="new",
            placeholder=_("Type a code or name"),
            resolve=_item_label,
        )
        self.fields["customer"].queryset = customers
        self.fields["customer"].widget = _autocomplete(
            "tickets:autocomplete_customers",
            purpose="new",
            placeholder=_("Type a customer's name"),
            resolve=_customer_label,
        )
        self.fields["contact"].queryset = contacts
        self.fields["contact"].widget = _autocomplete(
            "tickets:autocomplete_users",
            purpose="contact",
            include=f"customer=#{self.auto_id % 'customer'}",
            placeholder=_("A contact of that customer"),
            resolve=_user_label,
        )

    def _clean_contact(self, cleaned):
        contact, customer = cleaned.get("contact"), cleaned.get("customer")
        if contact is not None and (customer is None or contact.customer_id != customer.pk):
            self.add_error("contact", _("The contact must be a contact of the chosen customer."))


class TicketCreateForm(TicketFieldsMixin, StyledFormMixin, forms.Form):
    item = forms.ModelChoiceField(label=_("Service item"), queryset=ServiceItem.objects.none())
    customer = forms.ModelChoiceField(
        label=_("Customer"), queryset=Customer.objects.none(), required=False
    )
    contact = forms.ModelChoiceField(
        label=_("Contact"), queryset=User.objects.none(), required=False
    )
    requester_name = forms.CharField(label=_("Caller's name"), required=False, max_length=100)
    requester_phone = forms.CharField(label=_("Caller's phone"), required=False, max_length=40)
    requester_email = forms.EmailField(label=_("Caller's e-mail"), required=False)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.PHONE)
    type = forms.ChoiceField(
        label=_("Type"), choices=TicketType.choices, initial=TicketType.CONSULTATION
    )
    priority = forms.ChoiceField(
        label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    files = MultipleFileField(label=_("Files"))
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=500,
        help_text=_("Separate tags with commas."),
    )
    assignee = forms.ModelChoiceField(
        label=_("Assignee"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Empty: the service's primary owner."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_references(user)
        self.fields["assignee"].queryset = assignable_users()
        self.fields["assignee"].widget = _autocomplete(
            "tickets:autocomplete_users",
            purpose="assign",
            placeholder=_("Type a name"),
            resolve=_user_label,
        )

    def clean_tags(self):
        names = split_tags(self.cleaned_data.get("tags") or "")
        if any(len(name) > MAX_TAG for name in names):
            raise ValidationError(_("A tag has at most %(limit)d characters.") % {"limit": MAX_TAG})
        return names

    def clean(self):
        cleaned = super().clean()
        self._clean_contact(cleaned)
        return cleaned

    def values(self) -> dict:
        """Keyword arguments for services.do_create_ticket."""
        return dict(self.cleaned_data)


# --- one ticket: edit, reply, status, assign, watchers, complaint ------------------------------

EDIT_FIELDS = (
    "title",
    "type",
    "channel",
    "priority",
    "item",
    "customer",
    "contact",
    "requester_name",
    "requester_phone",
    "requester_email",
    "description",
)
REFERENCES = {"item", "customer", "contact"}


class TicketEditForm(TicketFieldsMixin, VersionedForm):
    """The ticket's fields; ``changes()`` gives only what the user changed."""

    title = forms.CharField(label=_("Title"), max_length=200)
    type = forms.ChoiceField(label=_("Type"), choices=TicketType.choices)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    item = forms.ModelChoiceField(
        label=_("Service item"), queryset=ServiceItem.objects.none(), required=False
    )
    customer = forms.ModelChoiceField(
        label=_("Customer"), queryset=Customer.objects.none(), required=False
    )
    contact = forms.ModelChoiceField(
        label=_("Contact"), queryset=User.objects.none(), required=False
    )
    requester_name = forms.CharField(label=_("Caller's name"), required=False, max_length=100)
    requester_phone = forms.CharField(label=_("Caller's phone"), required=False, max_length=40)
    requester_email = forms.EmailField(label=_("Caller's e-mail"), required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=500,
        help_text=_("Separate tags with commas."),
    )

    def __init__(self, *args, user, ticket: Ticket, tags=(), **kwargs):
        kwargs.setdefault("auto_id", "id_edit_%s")
        self.ticket = ticket
        self.current_tags = sorted(tags)
        kwargs.setdefault(
            "initial",
            {
                **{name: getattr(ticket, name) for name in EDIT_FIELDS},
                "item": ticket.item_id,
                "customer": ticket.customer_id,
                "contact": ticket.contact_id,
                "tags": ", ".join(self.current_tags),
                "version": ticket.version,
            },
        )
        super().__init__(*args, **kwargs)
        self._setup_references(user, ticket)

    clean_tags = TicketCreateForm.clean_tags

    def clean(self):
        cleaned = super().clean()
        self._clean_contact(cleaned)
        return cleaned

    def changes(self, ticket: Ticket | None = None) -> dict:
        """The fields whose value differs from ``ticket`` (the one loaded for this form)."""
        ticket = ticket or self.ticket
        changed = {}
        for name in EDIT_FIELDS:
            value = self.cleaned_data[name]
            if name in REFERENCES:
                differs = getattr(ticket, f"{name}_id") != getattr(value, "pk", None)
            else:
                differs = getattr(ticket, name) != value
            if differs:
                changed[name] = value
        return changed

    def new_tags(self) -> list[str] | None:
        """The tag names, when they differ from the ticket's."""
        names = self.cleaned_data.get("tags") or []
        return names if sorted(names) != self.current_tags else None


class ReplyForm(VersionedForm):
    kind = forms.ChoiceField(
        label=_("Write"),
        choices=[("reply", _("Public reply")), ("note", _("Internal note"))],
        initial="reply",
        widget=forms.RadioSelect,
    )
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 5}))
    files = MultipleFileField(label=_("Files"))
    then_status = forms.ChoiceField(label=_("Then set status"), required=False)

    def __init__(self, *args, ticket: Ticket, **kwargs):
        kwargs.setdefault("auto_id", "id_reply_%s")
        kwargs.setdefault("initial", {"version": ticket.version})
        super().__init__(*args, **kwargs)
        self.fields["kind"].widget.attrs["class"] = "form-check-input"
        self.fields["then_status"].choices = [("", _("(unchanged)"))] + [
            (s, Status(s).label) for s in ticket.allowed_transitions()
        ]

    @property
    def public(self) -> bool:
        return self.cleaned_data.get("kind") == "reply"


class StatusForm(VersionedForm):
    to_status = forms.ChoiceField(label=_("New status"))
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=500)

    def __init__(self, *args, ticket: Ticket, **kwargs):
        kwargs.setdefault("auto_id", "id_status_%s")
        kwargs.setdefault("initial", {"version": ticket.version})
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [
            (s, Status(s).label) for s in ticket.allowed_transitions()
        ]


class AssignForm(VersionedForm):
    assignee = forms.ModelChoiceField(
        label=_("Assignee"), queryset=User.objects.none(), required=False
    )
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)

    def __init__(self, *args, user, ticket: Ticket, can_manage: bool, **kwargs):
        kwargs.setdefault("auto_id", "id_assign_%s")
        kwargs.setdefault(
            "initial",
            {"assignee": ticket.assignee_id, "team": ticket.team_id, "version": ticket.version},
        )
        super().__init__(*args, **kwargs)
        self.can_manage = can_manage
        people = assignable_users()
        if not can_manage:
            # Agents hand tickets over inside their team and the ticket's team.
            teams = {t for t in (user.team_id, ticket.team_id) if t}
            people = people.filter(Q(team_id__in=teams) | Q(pk=ticket.assignee_id or 0))
            del self.fields["team"]
        else:
            self.fields["team"].queryset = Team.objects.all()
            self.fields["team"].empty_label = _("(the assignee's team)")
        self.fields["assignee"].queryset = people.order_by("team__name", "username")
        self.fields["assignee"].empty_label = _("Unassigned")
        self.fields["assignee"].label_from_instance = lambda u: (
            f"{u.label} · {u.team}" if u.team_id else u.label
        )

    def target(self, ticket: Ticket):
        """(assignee, team) for services.do_assign_ticket."""
        assignee = self.cleaned_data.get("assignee")
        team = self.cleaned_data.get("team") if self.can_manage else None
        if team is None:
            team = assignee.team if assignee is not None and assignee.team_id else ticket.team
        return assignee, team


class WatchersForm(StyledFormMixin, forms.Form):
    watchers = forms.ModelMultipleChoiceField(
        label=_("Watchers"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args, watchers=(), **kwargs):
        kwargs.setdefault("auto_id", "id_watchers_%s")
        kwargs.setdefault("initial", {"watchers": [w.pk for w in watchers]})
        super().__init__(*args, **kwargs)
        self.fields["watchers"].queryset = User.objects.staff()


class RootCauseForm(VersionedForm):
    root_cause = forms.CharField(
        label=_("Root cause"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required before a complaint can be closed."),
    )

    def __init__(self, *args, ticket: Ticket, **kwargs):
        kwargs.setdefault("auto_id", "id_cause_%s")
        kwargs.setdefault("initial", {"root_cause": ticket.root_cause, "version": ticket.version})
        super().__init__(*args, **kwargs)


class FollowUpForm(StyledFormMixin, forms.Form):
    method = forms.ChoiceField(label=_("Method"), choices=FollowUpMethod.choices)
    at = forms.DateTimeField(
        label=_("When"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Empty: now."),
    )
    outcome = forms.CharField(
        label=_("What the customer said"), widget=forms.Textarea(attrs={"rows": 3})
    )
    customer_satisfied = forms.NullBooleanField(
        label=_("Customer satisfied"),
        required=False,
        widget=forms.Select(
            choices=[("unknown", _("Not asked")), ("true", _("Yes")), ("false", _("No"))]
        ),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_follow_up_%s")
        super().__init__(*args, **kwargs)

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "method": data["method"],
            "outcome": data["outcome"],
            "customer_satisfied": data.get("customer_satisfied"),
            "at": data.get("at") or clock.now(),
        }


class AttachmentsForm(StyledFormMixin, forms.Form):
    files = MultipleFileField(label=_("Files"), required=True)
    public = forms.BooleanField(label=_("Visible to the customer"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_upload_%s")
        super().__init__(*args, **kwargs)
