"""Surveys in the portal: a contact's open surveys, answering them signed in, and the
one-time link from the invitation e-mail (no sign-in).

The link page says only whether the link works: a wrong, used or expired link gets a page
that names no survey, no organisation and no person. Reads and writes go through
``surveys.access`` and ``surveys.services``.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_stubs_ext import StrOrPromise

from opsbook.core import clock
from opsbook.surveys import access, services
from opsbook.surveys.choices import Via
from opsbook.surveys.forms import AnswerForm
from opsbook.surveys.models import Invitation

from .views import customer_required


def _gone(request: HttpRequest, status: int, message: StrOrPromise) -> HttpResponse:
    return render(request, "portal/survey_gone.html", {"message": message}, status=status)


def _problem(invitation: Invitation, now) -> StrOrPromise | None:
    if invitation.responded_at is not None:
        return _("This survey has already been answered. Thank you!")
    if invitation.expires_at <= now:
        return _("This survey has closed.")
    return None


def _answer_page(request, invitation: Invitation, *, via: str, actor=None) -> HttpResponse:
    now = clock.now()
    problem = _problem(invitation, now)
    if problem:
        return _gone(request, 410, problem)
    survey = invitation.campaign.survey
    questions = list(survey.questions.all())
    form = AnswerForm(request.POST if request.method == "POST" else None, questions=questions)
    if request.method == "GET":
        services.do_open_invitation(invitation, now=now)
    elif form.is_valid():
        data = {
            name: request.POST.getlist(name) if isinstance(value, list) else request.POST.get(name)
            for name, value in form.cleaned_data.items()
        }
        try:
            services.do_submit_response(invitation, data, via=via, now=now, actor=actor)
        except PermissionDenied:
            return _gone(request, 410, _("This survey has already been answered or has closed."))
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            return render(request, "portal/survey_done.html", {"title": survey.title})
    context = {
        "form": form,
        "survey": survey,
        "closes_at": invitation.expires_at,
        "signed_in": actor is not None,
    }
    return render(request, "portal/survey_answer.html", context, status=400 if form.errors else 200)


@customer_required
@require_http_methods(["GET"])
def my_surveys(request):
    now = clock.now()
    invitations = access.invitations_of(request.user).select_related("campaign__survey")
    context = {
        "open": invitations.filter(responded_at__isnull=True, expires_at__gt=now).order_by(
            "expires_at", "id"
        ),
        "answered": invitations.filter(responded_at__isnull=False).order_by("-responded_at")[:20],
    }
    return render(request, "portal/surveys.html", context)


@customer_required
@never_cache
@require_http_methods(["GET", "POST"])
def answer(request, pk):
    invitation = access.get_invitation_for_contact(request.user, pk)
    return _answer_page(request, invitation, via=Via.PORTAL, actor=request.user)


@never_cache
@require_http_methods(["GET", "POST"])
def link(request, token):
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return _gone(
            request, 404, _("This survey link is not valid. Check that you copied the whole link.")
        )
    return _answer_page(request, invitation, via=Via.LINK)
