"""The forms of a ticket's own fields: a new ticket, and editing one (only what changed is
saved, with the version it was loaded at)."""

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from opsbook.accounts.choices import Role
from opsbook.accounts.models import Customer, User
from opsbook.catalog.choices import Channel, Priority
from opsbook.catalog.models import ServiceItem
from opsbook.core.forms import StyledFormMixin

from .. import access
from ..choices import TicketType
from ..filters import MAX_TAG
from ..models import Ticket
from .fields import (
    MultipleFileField,
    VersionedForm,
    assignable_users,
    autocomplete,
    customer_label,
    item_label,
    split_tags,
    user_label,
)


class TicketFieldsMixin(forms.Form):
    """Service, customer and contact fields with permission-scoped choices."""

    def _setup_references(self, user: User, ticket: Ticket | None = None) -> None:
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
        choice = cast(dict[str, forms.ModelChoiceField], self.fields)
        choice["item"].queryset = items
        choice["item"].widget = autocomplete(
            "tickets:autocomplete_items",
            purpose="new",
            placeholder=_("Type a code or name"),
            resolve=item_label,
        )
        choice["customer"].queryset = customers
        choice["customer"].widget = autocomplete(
            "tickets:autocomplete_customers",
            purpose="new",
            placeholder=_("Type a customer's name"),
            resolve=customer_label,
        )
        choice["contact"].queryset = contacts
        choice["contact"].widget = autocomplete(
            "tickets:autocomplete_users",
            purpose="contact",
            include=f"customer=#{self['customer'].auto_id}",
            placeholder=_("A contact of that customer"),
            resolve=user_label,
        )

    def _clean_contact(self, cleaned: dict[str, Any]) -> None:
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
    # A declared field: the form metaclass moves it to base_fields, so it never shadows
    # BaseForm.files as the stubs believe.
    files = MultipleFileField(label=_("Files"))  # type: ignore[assignment]
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

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._setup_references(user)
        assignee = cast(forms.ModelChoiceField, self.fields["assignee"])
        assignee.queryset = assignable_users()
        assignee.widget = autocomplete(
            "tickets:autocomplete_users",
            purpose="assign",
            placeholder=_("Type a name"),
            resolve=user_label,
        )

    def clean_tags(self) -> list[str]:
        names = split_tags(self.cleaned_data.get("tags") or "")
        if any(len(name) > MAX_TAG for name in names):
            raise ValidationError(_("A tag has at most %(limit)d characters.") % {"limit": MAX_TAG})
        return names

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        self._clean_contact(cleaned)
        return cleaned

    def values(self) -> dict[str, Any]:
        """Keyword arguments for services.do_create_ticket."""
        return dict(self.cleaned_data)


# --- editing ----------------------------------------------------------------------------------

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

    def __init__(
        self, *args: Any, user: User, ticket: Ticket, tags: Any = (), **kwargs: Any
    ) -> None:
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

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        self._clean_contact(cleaned)
        return cleaned

    def changes(self, ticket: Ticket | None = None) -> dict[str, Any]:
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
