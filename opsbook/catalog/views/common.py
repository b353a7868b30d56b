"""What every checklist page shares: the permission decorators, the htmx partial and service
errors put back on a form."""

from django.core.exceptions import ValidationError

from opsbook.accounts.access import can_manage_catalog, can_view_catalog
from opsbook.core.permissions import requires

# Signed-in staff only (customer contacts get 403); managers and admins only.
staff_required = requires(can_view_catalog)
manager_required = requires(can_manage_catalog)


def htmx_template(request, name: str, partial: str) -> str:
    """The partial for an htmx swap; the whole page otherwise (including history restores)."""
    if request.htmx and not request.htmx.boosted and not request.htmx.history_restore_request:
        return f"{name}#{partial}"
    return name


def add_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the field when the form has it."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)
