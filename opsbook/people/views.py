"""People and organisations pages (managers and administrators): staff, teams, customer
organisations and their contacts; invitations; the roster import wizard and export; and the
public page where an invited person sets their password."""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from opsbook.accounts.access import can_grant_role
from opsbook.accounts.choices import Role
from opsbook.accounts.models import Team
from opsbook.core import clock
from opsbook.core.middleware import body_limit
from opsbook.core.permissions import requires
from opsbook.core.uploads import StagedUploads

from . import access, services
from .excel.columns import KIND_NAMES
from .excel.exporter import export_people
from .excel.importer import import_people
from .forms import (
    ContactForm,
    CustomerForm,
    ImportUploadForm,
    InviteForm,
    PersonForm,
    SearchForm,
    TeamForm,
)
from .invitations import invitation_tokens

PER_PAGE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STAGED = StagedUploads("imports", "people_import")

manager_required = requires(access.can_manage_people, hidden=access.is_hidden_from)


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _search(request) -> tuple[SearchForm, str, bool | None]:
    form = SearchForm(request.GET or None)
    q, state = "", ""
    if form.is_valid():
        q, state = form.cleaned_data["q"].strip(), form.cleaned_data["state"]
    active = {"": True, "inactive": False, "uninvited": True}.get(state)
    return form, q, active


def _only_uninvited(request, people):
    """The "not invited yet" state of the staff and contact lists."""
    return access.not_invited(people) if request.GET.get("state") == "uninvited" else people


def _page(request, queryset):
    return Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))


# --- Staff ---------------------------------------------------------------------------------------


@manager_required
@require_GET
def staff_list(request):
    form, q, active = _search(request)
    people = access.staff_for_user(request.user, q, active=active)
    page = _page(request, _only_uninvited(request, people))
    return render(
        request,
        "people/staff_list.html",
        {"tab": "staff", "form": form, "page": page, "q": q},
    )


def _person_form(request, person=None):
    initial = PersonForm.initial_for(person) if person else {"role": Role.AGENT}
    return PersonForm(
        request.POST or None,
        initial=initial,
        can_grant_admin=can_grant_role(request.user, Role.ADMIN),
    )


@manager_required
def staff_new(request):
    form = _person_form(request)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        lead = data.pop("is_team_lead")
        try:
            person = services.do_save_person(request.user, None, is_team_lead=lead, **data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if person.invited_at:
                messages.success(
                    request,
                    _("%(name)s was added and invited to set a password.") % {"name": person},
                )
            else:
                messages.success(request, _("%(name)s was added.") % {"name": person})
            return redirect("people:staff_edit", person.pk)
    return render(
        request, "people/person_form.html", {"tab": "staff", "form": form, "person": None}
    )


@manager_required
def staff_edit(request, pk: int):
    person = access.get_person_for_user(request.user, pk)
    can_edit = can_grant_role(request.user, person.role)
    form = _person_form(request, person)
    if request.method == "POST" and can_edit and form.is_valid():
        data = dict(form.cleaned_data)
        lead = data.pop("is_team_lead")
        try:
            services.do_save_person(request.user, person, is_team_lead=lead, **data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("%(name)s was saved.") % {"name": person})
            return redirect("people:staff_edit", person.pk)
    return render(
        request,
        "people/person_form.html",
        {
            "tab": "staff",
            "form": form,
            "person": person,
            "can_edit": can_edit,
            "invite_form": InviteForm(initial={"email": person.email}),
            "active_url": reverse("people:staff_active", args=[person.pk]),
            "invite_url": reverse("people:staff_invite", args=[person.pk]),
            "is_self": person.pk == request.user.pk,
        },
    )


def _set_active(request, person, back: str):
    active = request.POST.get("active") == "1"
    try:
        services.do_set_active(request.user, person, active)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if active:
            messages.success(request, _("%(name)s was reactivated.") % {"name": person})
        else:
            messages.success(
                request,
                _("%(name)s was deactivated: their sessions and API tokens were ended.")
                % {"name": person},
            )
    return redirect(back, person.pk)


def _invite(request, person, back: str):
    form = InviteForm(request.POST)
    email = form.cleaned_data["email"] or None if form.is_valid() else None
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for ms in form.errors.values() for m in ms))
        return redirect(back, person.pk)
    try:
        services.do_invite(request.user, person, email=email)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("An invitation to set a password was sent to %(email)s.") % {"email": person.email},
        )
    return redirect(back, person.pk)


@manager_required
@require_POST
def staff_active(request, pk: int):
    return _set_active(request, access.get_person_for_user(request.user, pk), "people:staff_edit")


@manager_required
@require_POST
def staff_invite(request, pk: int):
    return _invite(request, access.get_person_for_user(request.user, pk), "people:staff_edit")


# --- Teams ---------------------------------------------------------------------------------------


@manager_required
@require_GET
def team_list(request):
    form, q, _active = _search(request)
    page = _page(request, access.teams_for_user(request.user, q))
    return render(
        request, "people/team_list.html", {"tab": "teams", "form": form, "page": page, "q": q}
    )


def _team_page(request, team=None):
    initial = (
        {
            "name": team.name,
            "parent": team.parent_id,
            "lead": team.lead_id,
            "description": team.description,
        }
        if team
        else None
    )
    form = TeamForm(request.POST or None, initial=initial)
    if team is not None:
        parent = form.fields["parent"]
        assert isinstance(parent, forms.ModelChoiceField)
        parent.queryset = Team.objects.exclude(pk=team.pk)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.do_save_team(request.user, team, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("%(name)s was saved.") % {"name": saved})
            return redirect("people:teams")
    members = team.members.order_by("username") if team else []
    return render(
        request,
        "people/simple_form.html",
        {
            "tab": "teams",
            "form": form,
            "object": team,
            "members": members,
            "title": team.name if team else _("New team"),
            "back": reverse("people:teams"),
        },
    )


@manager_required
def team_new(request):
    return _team_page(request)


@manager_required
def team_edit(request, pk: int):
    return _team_page(request, access.get_team_for_user(request.user, pk))


# --- Customer organisations ----------------------------------------------------------------------


@manager_required
@require_GET
def customer_list(request):
    form, q, _active = _search(request)
    page = _page(request, access.customers_for_user(request.user, q))
    return render(
        request,
        "people/customer_list.html",
        {"tab": "customers", "form": form, "page": page, "q": q},
    )


def _customer_page(request, customer=None):
    initial: dict[str, Any] = {"is_active": True}
    if customer is not None:
        initial = {
            "code": customer.code,
            "name": customer.name,
            "is_active": customer.is_active,
            "notes": customer.notes,
            "services": list(customer.services.values_list("item_id", flat=True)),
        }
    form = CustomerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        items = data.pop("services")
        try:
            saved = services.do_save_customer(request.user, customer, services=items, **data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("%(name)s was saved.") % {"name": saved})
            return redirect("people:customer_edit", saved.pk)
    contacts = (
        access.contacts_for_user(request.user, customer=customer) if customer is not None else []
    )
    return render(
        request,
        "people/simple_form.html",
        {
            "tab": "customers",
            "form": form,
            "object": customer,
            "contacts": contacts,
            "title": customer.name if customer else _("New customer organisation"),
            "back": reverse("people:customers"),
        },
    )


@manager_required
def customer_new(request):
    return _customer_page(request)


@manager_required
def customer_edit(request, pk: int):
    return _customer_page(request, access.get_customer_for_user(request.user, pk))


# --- Contacts ------------------------------------------------------------------------------------


@manager_required
@require_GET
def contact_list(request):
    form, q, active = _search(request)
    contacts = access.contacts_for_user(request.user, q)
    if active is not None:
        contacts = contacts.filter(is_active=active)
    page = _page(request, _only_uninvited(request, contacts))
    return render(
        request,
        "people/contact_list.html",
        {"tab": "contacts", "form": form, "page": page, "q": q},
    )


def _contact_page(request, contact=None):
    initial: dict[str, Any] = {}
    if contact is not None:
        initial = {
            "display_name": contact.display_name or contact.label,
            "username": contact.username,
            "email": contact.email,
            "phone": contact.phone,
            "customer": contact.customer_id,
        }
    elif request.GET.get("customer", "").isdigit() and len(request.GET["customer"]) < 19:
        initial = {"customer": int(request.GET["customer"])}
    form = ContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.do_save_contact(request.user, contact, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("%(name)s was saved.") % {"name": saved})
            return redirect("people:contact_edit", saved.pk)
    context: dict[str, Any] = {
        "tab": "contacts",
        "form": form,
        "person": contact,
        "can_edit": True,
        "title": contact.label if contact else _("New contact"),
    }
    if contact is not None:
        context.update(
            invite_form=InviteForm(initial={"email": contact.email}),
            active_url=reverse("people:contact_active", args=[contact.pk]),
            invite_url=reverse("people:contact_invite", args=[contact.pk]),
        )
    return render(request, "people/person_form.html", context)


@manager_required
def contact_new(request):
    return _contact_page(request)


@manager_required
def contact_edit(request, pk: int):
    return _contact_page(request, access.get_contact_for_user(request.user, pk))


@manager_required
@require_POST
def contact_active(request, pk: int):
    contact = access.get_contact_for_user(request.user, pk)
    return _set_active(request, contact, "people:contact_edit")


@manager_required
@require_POST
def contact_invite(request, pk: int):
    contact = access.get_contact_for_user(request.user, pk)
    return _invite(request, contact, "people:contact_edit")


# --- Import and export ---------------------------------------------------------------------------


@dataclass
class SummaryRow:
    label: str
    counts: dict[str, int]


def _summary(report) -> list[SummaryRow]:
    return [SummaryRow(str(KIND_NAMES[kind]), counts) for kind, counts in report.summary.items()]


@manager_required
@require_GET
def export(request):
    response = HttpResponse(export_people(), content_type=XLSX)
    filename = f"opsbook-people-{clock.localdate():%Y-%m-%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


@body_limit("IMPORT_MAX_BYTES")
@manager_required
def import_upload(request):
    """Step 1: upload a roster. The file is kept privately and checked in a dry run."""
    STAGED.sweep()
    if request.method == "POST" and _declared_length(request) > settings.IMPORT_MAX_BYTES + 65536:
        messages.error(
            request,
            _("The file is larger than the %(limit)d MB limit.")
            % {"limit": settings.IMPORT_MAX_BYTES // 1048576},
        )
        return redirect("people:import")
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        STAGED.discard(request)
        STAGED.store(request, form.cleaned_data["file"])
        return redirect("people:import_preview")
    return render(
        request,
        "people/import.html",
        {"tab": "import", "form": form, "max_bytes": settings.IMPORT_MAX_BYTES, "step": "upload"},
    )


def _stored(request, expected_token: str | None = None):
    stored = STAGED.load(request, expected_token)
    return (stored[0], str(stored[1].get("filename", ""))) if stored else None


@manager_required
@require_GET
def import_preview(request):
    stored = _stored(request)
    if stored is None:
        messages.error(request, _("The uploaded file is gone or expired. Upload it again."))
        return redirect("people:import")
    path, filename = stored
    report = import_people(path.read_bytes(), filename, actor=request.user, dry_run=True)
    return render(
        request,
        "people/import.html",
        {
            "tab": "import",
            "report": report,
            "summary": _summary(report),
            "filename": filename,
            "step": "preview",
            "upload_token": STAGED.token(request),
        },
    )


@manager_required
@require_POST
def import_confirm(request):
    stored = _stored(request, expected_token=request.POST.get("upload", ""))
    if stored is None:
        messages.error(
            request,
            _(
                "The file you previewed is gone, expired or was replaced by another upload. "
                "Upload it again."
            ),
        )
        return redirect("people:import")
    path, filename = stored
    report = import_people(path.read_bytes(), filename, actor=request.user)
    STAGED.discard(request)
    if report.ok:
        messages.success(request, _("%(file)s was imported.") % {"file": filename})
    return render(
        request,
        "people/import.html",
        {
            "tab": "import",
            "report": report,
            "summary": _summary(report),
            "filename": filename,
            "step": "done",
        },
    )


@manager_required
@require_POST
def import_cancel(request):
    STAGED.discard(request)
    messages.info(request, _("The import was cancelled; the uploaded file was deleted."))
    return redirect("people:import")


# --- Setting a password from an invitation -------------------------------------------------------


class WelcomeView(auth_views.PasswordResetConfirmView):
    """The one-time link of an invitation: choose a password, then you are signed in."""

    template_name = "people/welcome.html"
    token_generator = invitation_tokens
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    success_url = reverse_lazy("home")
    reset_url_token = "set-password"

    def get_user(self, uidb64):
        # A deactivated account never sets a password or signs in here, whatever the link.
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password was set. Welcome to Opsbook."))
        return response


welcome = WelcomeView.as_view()
