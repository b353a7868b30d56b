"""The checklist's HTTP API, mounted at /api/catalog/.

Routes fetch through ``access.py`` (so a record outside the caller's scope is a 404) and write
through ``services.py`` (validation, optimistic locking, audit; a ``ConflictError`` is the
API's 409 everywhere). Customer contacts are refused every route here with a 403;
docs/developers/api.md lists the rules. One module per resource; they register their routes
on ``common.router`` in the order below, which is the order of the OpenAPI document, and each
route names its ``operation_id`` so that clients generated from the document keep their names.
"""

# isort: off
from . import categories, items, contents, frequency, spreadsheets  # noqa: F401  (routes)

# isort: on
from .common import router

__all__ = ["router"]
