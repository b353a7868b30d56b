"""What every calendar page shares: the permission decorators and saving a form through a
service (its errors back on the form, 409 on a conflict)."""

from django.core.exceptions import ValidationError
from django.shortcuts import render

from opsbook.core.errors import ConflictError
from opsbook.core.permissions import requires

from .. import access

# Signed-in staff only (customer contacts get 403); administrators only.
staff_required = requires(access.can_view_calendars)
admin_required = requires(access.can_edit_calendars)


def add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def save_form(request, form, save, context: dict, template: str):
    """Call ``save`` when the form is valid; map service errors to the form; 409 on a conflict
    (what the user typed stays on the page)."""
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            return save()
        except ValidationError as exc:
            add_errors(form, exc)
        except ConflictError as exc:
            form.add_error(None, str(exc))
            context["conflict"] = True
            status = 409
    context["form"] = form
    return render(request, template, context, status=status)
