"""The HTTP API: django-ninja, bearer tokens, OpenAPI at /api/openapi.json.

Each app contributes a router from its own ``api.py``; routes call the same services and
permission helpers as the HTML views. Errors keep one shape (opsbook/core/api.py): 401 no or bad
token, 403 not allowed, 404 not found or outside your scope, 409 edited by someone else since
you read it, 413 upload too large, 422 invalid input with the fields named.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.security import HttpBearer

from opsbook.accounts.services import user_for_token
from opsbook.audit.api import router as audit_router
from opsbook.calendars.api import router as calendars_router
from opsbook.catalog.api import router as catalog_router
from opsbook.core.api import CheckedOpenAPISchema, document_errors, field_errors
from opsbook.core.errors import ConflictError
from opsbook.metrics.api import router as metrics_router
from opsbook.metrics.manual_api import manual_router as metrics_manual_router
from opsbook.metrics.manual_api import targets_router as metrics_targets_router
from opsbook.notify.api import channels_router as notify_channels_router
from opsbook.notify.api import hosts_router as notify_hosts_router
from opsbook.notify.api import inbox_router as notify_inbox_router
from opsbook.notify.api import rules_router as notify_rules_router
from opsbook.people.api import router as people_router
from opsbook.routines.api import router as routines_router
from opsbook.sops.api import router as sops_router
from opsbook.tickets.api import router as tickets_router
from opsbook.work.api import router as work_router


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = user_for_token(token)
        if user is None:
            return None
        request.user = user
        return user


class OpsbookAPI(NinjaAPI):
    """The API whose OpenAPI document documents every error answer (core/api.py) and keeps
    track of component names that collide (a test asserts there are none)."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> CheckedOpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return document_errors(CheckedOpenAPISchema(self, path_prefix))  # type: ignore[return-value]


api = OpsbookAPI(
    title="Opsbook API",
    version="1",
    description="Service operations platform. Authenticate with `Authorization: Bearer <token>`; "
    "create a token with `opsbook token create --user NAME`. See docs/developers/api.md.",
    auth=BearerToken(),
    docs_url=None,
    urls_namespace="api",
)


@api.exception_handler(DjangoValidationError)
def _invalid(request, exc):
    return api.create_response(request, {"detail": field_errors(exc)}, status=422)


@api.exception_handler(ConflictError)
def _conflict(request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=409)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return api.create_response(
        request, {"detail": str(exc) or _("You do not have permission to do that.")}, status=403
    )


api.add_router("/catalog/", catalog_router)
api.add_router("/calendars/", calendars_router)
api.add_router("/audit", audit_router)
api.add_router("/tickets/", tickets_router)
api.add_router("/people/", people_router)
api.add_router("/routines/", routines_router)
api.add_router("/notifications/rules/", notify_rules_router)
api.add_router("/notifications/", notify_channels_router)
api.add_router("/notifications/", notify_hosts_router)
api.add_router("/notifications/", notify_inbox_router)
api.add_router("/sops/", sops_router)
api.add_router("/work/", work_router)
# Manual metrics and targets first, so that /metrics/manual is never read by another route.
api.add_router("/metrics/manual", metrics_manual_router)
api.add_router("/metrics/targets", metrics_targets_router)
api.add_router("/goals/", "opsbook.goals.api.router")
api.add_router("/metrics/", metrics_router)
api.add_router("/surveys/", "opsbook.surveys.api.router")
api.add_router("/problems/", "opsbook.problems.api.router")
api.add_router("/reports/templates", "opsbook.reports.api_templates.router")
api.add_router("/reports/", "opsbook.reports.api.router")
api.add_router("/reports/", "opsbook.reports.api_exports.router")
api.add_router("/reports/", "opsbook.reports.api_sections.router")
