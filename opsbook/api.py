"""The HTTP API: django-ninja, bearer tokens, OpenAPI at /api/openapi.json.

Each app contributes a router from its own ``api.py``; routes call the same services and
permission helpers as the HTML views.
"""

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.security import HttpBearer

from opsbook.accounts.services import user_for_token
from opsbook.catalog.api import router as catalog_router


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = user_for_token(token)
        if user is None:
            return None
        request.user = user
        return user


api = NinjaAPI(
    title="Opsbook API",
    version="1",
    description="Service operations platform. Authenticate with `Authorization: Bearer <token>`; "
    "create a token with `opsbook token create --user NAME`.",
    auth=BearerToken(),
    docs_url=None,
    urls_namespace="api",
)
api.add_router("/catalog/", catalog_router)
