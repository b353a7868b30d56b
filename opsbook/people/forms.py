from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from opsbook.accounts.choices import Role
from opsbook.accounts.models import Customer, Team, User
from opsbook.catalog.models import ServiceItem
from opsbook.core.forms import StyledFormMixin

IMPORT_EXTENSIONS = (".xlsx", ".csv")
MAX_PK = 2**63 - 1


def _beyond_any_id(value) -> bool:
    text = str(value).strip()
    return text.isdigit() and int(text) > MAX_PK


class RecordChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField whose impossible ids are "not one of the choices", not a database
    overflow."""

    def to_python(self, value):
        if value not in self.empty_values and _beyond_any_id(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class RecordsChoiceField(forms.ModelMultipleChoiceField):
    def clean(self, value):
        for pk in value or ():
            if _beyond_any_id(pk):
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super().clean(value)


class SearchForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[
            ("", _("Active")),
            ("uninvited", _("Not invited yet")),
            ("inactive", _("Deactivated")),
            ("all", _("All")),
        ],
    )


class PersonForm(StyledFormMixin, forms.Form):
    display_name = forms.CharField(label=_("Name"), max_length=100)
    username = forms.CharField(
        label=_("Login"), max_length=150, help_text=_("Letters, digits and @/./+/-/_ only.")
    )
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_("The invitation to set a password is sent here."),
    )
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    team = RecordChoiceField(label=_("Team"), queryset=Team.objects.all(), required=False)
    role = forms.ChoiceField(label=_("Role"))
    is_team_lead = forms.BooleanField(label=_("Team lead"), required=False)
    capacity_hours = forms.IntegerField(
        label=_("Capacity (hours per month)"), min_value=0, max_value=744, required=False
    )

    def __init__(self, *args, can_grant_admin: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        roles = [(v, label) for v, label in Role.choices if v != Role.CUSTOMER]
        if not can_grant_admin:
            roles = [(v, label) for v, label in roles if v != Role.ADMIN]
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        role_field.choices = roles

    @classmethod
    def initial_for(cls, person: User) -> dict:
        return {
            "display_name": person.display_name,
            "username": person.username,
            "email": person.email,
            "phone": person.phone,
            "team": person.team_id,
            "role": person.role,
            "is_team_lead": bool(
                person.team_id and person.team and person.team.lead_id == person.pk
            ),
            "capacity_hours": person.capacity_hours,
        }


class ContactForm(StyledFormMixin, forms.Form):
    display_name = forms.CharField(label=_("Name"), max_length=100)
    username = forms.CharField(label=_("Login"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    customer = RecordChoiceField(label=_("Customer organisation"), queryset=Customer.objects.all())


class TeamForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    parent = RecordChoiceField(label=_("Parent team"), queryset=Team.objects.all(), required=False)
    lead = RecordChoiceField(label=_("Team lead"), queryset=User.objects.staff(), required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)


class CustomerForm(StyledFormMixin, forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=50)
    name = forms.CharField(label=_("Name"), max_length=200)
    services = RecordsChoiceField(
        label=_("Services received"),
        queryset=ServiceItem.objects.order_by("code"),
        required=False,
        help_text=_(
            "The service items its contacts may raise requests on. Hold Ctrl (⌘ on a Mac) to "
            "choose several."
        ),
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea, required=False)


class InviteForm(StyledFormMixin, forms.Form):
    email = forms.EmailField(label=_("E-mail"), required=False)


class ImportUploadForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Roster file"),
        help_text=_("An .xlsx workbook (start from the export) or a .csv file with a kind column."),
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
