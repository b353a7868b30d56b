"""What the metrics pages share: the permission decorators, the htmx partial and service
errors put back on a form."""

from django.core.exceptions import ValidationError

from opsbook.core.permissions import requires

from .. import access

# Staff read (customers' contacts get 404); administrators and managers write (others 403).
staff_required = requires(access.can_view_metrics, hidden=access.is_hidden_from)
manager_required = requires(access.can_manage_metrics, hidden=access.is_hidden_from)


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
