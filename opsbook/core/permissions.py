"""The one way a view or an API route says who may use it.

Domain apps decide *who may do what* in their own ``access.py`` (predicates over a user);
these helpers only turn a predicate's answer into the HTTP answer, the same for every app:

* pages: ``requires(predicate)`` gives a view decorator. Anonymous users get the login page;
  users for whom ``hidden(user)`` is true get 404 (the page does not exist for them, e.g.
  customers on staff pages); others for whom ``predicate(user)`` is false get 403.
* API: ``api_guard(predicate, message)`` gives a django-ninja operation decorator (for
  ``router.add_decorator(..., mode="operation")``) that answers 403 with ``message``;
  ``require(allowed)`` raises the API's 403 inside a route when a finer check fails.

Services check permissions again themselves (``do_*`` functions call ``access.py``), so a new
caller cannot forget; these helpers keep the pages and API from doing any work first.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

Predicate = Callable[[Any], bool]
View = Callable[..., Any]


def requires(allowed: Predicate, *, hidden: Predicate | None = None) -> Callable[[View], View]:
    """A view decorator; see the module's docstring."""

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if hidden is not None and hidden(request.user):
                raise Http404
            if not allowed(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def api_guard(allowed: Predicate, message: str | Callable[[], str]) -> Callable[[View], View]:
    """A django-ninja operation decorator: 403 with ``message`` (a string or a function that
    returns one, so that it is translated per request) unless ``allowed(request.user)``."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if not allowed(request.user):
                raise PermissionDenied(message() if callable(message) else message)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def require(allowed: bool, message: str | None = None) -> None:
    """Inside a route or service: PermissionDenied (the API's 403) unless ``allowed``."""
    if not allowed:
        raise PermissionDenied(message or _("Your role does not allow this."))
