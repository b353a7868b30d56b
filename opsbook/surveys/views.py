"""Staff pages of surveys: managers build surveys and send campaigns; all staff read results.

Thin: reads go through ``access`` (404 outside the user's scope) and ``results``; writes
through ``services``. Customers answer in the portal (``opsbook/portal/views_surveys.py``).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opsbook.accounts.access import is_staff_member
from opsbook.core import clock
from opsbook.core.permissions import requires
from opsbook.metrics.periods import PeriodError, parse
from opsbook.metrics.registry import Dimension, Part

from . import access, export, services
from .choices import QuestionKind
from .forms import CampaignForm, QuestionForm, SurveyForm
from .metrics import FAMILY, METRICS, RESPONSE_RATE
from .models import Campaign, Survey
from .results import GROUPS, BadFilter, campaign_results, responses_behind

RESPONSES_PER_PAGE = 50


def _not_staff(user) -> bool:
    return not is_staff_member(user)


staff_only = requires(access.can_read_surveys, hidden=_not_staff)
managers_only = requires(access.can_manage_surveys, hidden=_not_staff)


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@staff_only
@require_GET
def survey_list(request):
    surveys = Survey.objects.annotate(
        campaign_count=Count("campaigns", distinct=True),
        question_count=Count("questions", distinct=True),
    ).order_by("-created_at", "-id")
    campaigns = (
        Campaign.objects.select_related("survey")
        .annotate(
            invited=Count("invitations", distinct=True),
            responded=Count(
                "invitations", filter=Q(invitations__responded_at__isnull=False), distinct=True
            ),
        )
        .order_by("-created_at", "-id")
    )
    context = {
        "surveys": Paginator(surveys, 50).get_page(request.GET.get("page")),
        "campaigns": campaigns[:50],
        "can_manage": access.can_manage_surveys(request.user),
    }
    return render(request, "surveys/list.html", context)


@managers_only
@require_http_methods(["GET", "POST"])
def survey_new(request):
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.do_create_survey(
                request.user,
                title=form.cleaned_data["title"],
                intro=form.cleaned_data["intro"],
                now=clock.now(),
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Survey created. Now add its questions."))
            return redirect("surveys:detail", pk=survey.pk)
    status = 400 if form.errors else 200
    return render(request, "surveys/survey_form.html", {"form": form}, status=status)


def _survey_page(request, survey, *, question_form=None, survey_form=None, status=200):
    can_manage = access.can_manage_surveys(request.user)
    frozen = survey.is_frozen
    context = {
        "survey": survey,
        "questions": survey.questions.all(),
        "campaigns": survey.campaigns.order_by("-created_at", "-id"),
        "can_manage": can_manage,
        "can_edit": can_manage and not frozen,
        "frozen": frozen,
        "question_form": question_form or QuestionForm(),
        "survey_form": survey_form
        or SurveyForm(initial={"title": survey.title, "intro": survey.intro}),
    }
    return render(request, "surveys/survey.html", context, status=status)


@staff_only
@require_GET
def survey_detail(request, pk):
    return _survey_page(request, access.get_survey_for_user(request.user, pk))


@managers_only
@require_POST
def survey_edit(request, pk):
    survey = access.get_survey_for_user(request.user, pk)
    form = SurveyForm(request.POST)
    if form.is_valid():
        try:
            services.do_update_survey(
                request.user,
                survey,
                title=form.cleaned_data["title"],
                intro=form.cleaned_data["intro"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Survey saved."))
            return redirect("surveys:detail", pk=survey.pk)
    return _survey_page(request, survey, survey_form=form, status=400)


@managers_only
@require_POST
def question_add(request, pk):
    survey = access.get_survey_for_user(request.user, pk)
    form = QuestionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.do_add_question(
                request.user,
                survey,
                kind=data["kind"],
                text=data["text"],
                required=data["required"],
                options=data["options"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Question added."))
            return redirect("surveys:detail", pk=survey.pk)
    return _survey_page(request, survey, question_form=form, status=400)


@managers_only
@require_POST
def question_delete(request, pk, question_pk):
    survey = access.get_survey_for_user(request.user, pk)
    question = survey.questions.filter(pk=question_pk).first()
    if question is None:
        raise Http404
    try:
        services.do_delete_question(request.user, question)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Question removed."))
    return redirect("surveys:detail", pk=survey.pk)


@managers_only
@require_POST
def survey_new_version(request, pk):
    survey = access.get_survey_for_user(request.user, pk)
    copy = services.do_new_version(request.user, survey, now=clock.now())
    messages.success(
        request, _("New version %(v)s: change its questions, then send it.") % {"v": copy.version}
    )
    return redirect("surveys:detail", pk=copy.pk)


@managers_only
@require_http_methods(["GET", "POST"])
def campaign_new(request, pk):
    survey = access.get_survey_for_user(request.user, pk)
    form = CampaignForm(request.POST or None, contacts=services.contacts_qs())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.do_create_campaign(
                request.user,
                survey,
                name=data["name"],
                customers=data["customers"],
                contacts=data["contacts"],
                closes_at=form.closes_at(),
                now=clock.now(),
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Campaign created. Check the audience, then send it."))
            return redirect("surveys:campaign", pk=campaign.pk)
    status = 400 if form.errors else 200
    return render(
        request, "surveys/campaign_form.html", {"form": form, "survey": survey}, status=status
    )


def _chart(results) -> dict:
    """The data of the page's charts (json_script; drawn by surveys/results.js)."""
    charts = []
    for summary in results.questions:
        if summary.distribution:
            charts.append(
                {
                    "id": f"chart-q{summary.question.pk}",
                    "labels": [label for label, _n, _f in summary.distribution],
                    "counts": [n for _label, n, _f in summary.distribution],
                    "nps": summary.question.kind == QuestionKind.NPS,
                }
            )
    return {"charts": charts, "answers": _("Answers")}


@staff_only
@require_GET
def campaign_detail(request, pk):
    campaign = access.get_campaign_for_user(request.user, pk)
    results = campaign_results(campaign)
    invitations = campaign.invitations.select_related("contact", "customer").order_by(
        "customer__name", "contact__username"
    )
    context = {
        "campaign": campaign,
        "results": results,
        "chart": _chart(results),
        "invitations": invitations[:200],
        "audience": services.audience(campaign).count(),
        "can_send": access.can_manage_surveys(request.user) and campaign.closes_at > clock.now(),
        "is_open": campaign.closes_at > clock.now(),
        "groups": GROUPS,
    }
    return render(request, "surveys/campaign.html", context)


@managers_only
@require_POST
def campaign_send(request, pk):
    campaign = access.get_campaign_for_user(request.user, pk)
    try:
        sent = services.do_send_campaign(request.user, campaign, clock.now())
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except PermissionDenied:
        raise
    else:
        messages.success(
            request,
            _(
                "%(invited)s contacts invited, %(mailed)s e-mails queued "
                "(%(already)s invited before)."
            )
            % {"invited": sent.invited, "mailed": sent.mailed, "already": sent.already},
        )
    return redirect("surveys:campaign", pk=campaign.pk)


def _filtered(request, campaign):
    try:
        return responses_behind(campaign, request.GET.dict())
    except BadFilter:
        raise Http404 from None


@staff_only
@require_GET
def campaign_responses(request, pk):
    """The responses behind one figure (the drill-down): its count equals the figure."""
    campaign = access.get_campaign_for_user(request.user, pk)
    responses = (
        _filtered(request, campaign)
        .select_related("customer", "invitation__contact")
        .prefetch_related("answers__question", "answers__choices")
        .order_by("-submitted_at", "-id")
    )
    page = Paginator(responses, RESPONSES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "campaign": campaign,
        "page": page,
        "query": query.urlencode(),
        "filter_question": campaign.survey.questions.filter(
            pk=request.GET.get("question") or 0
        ).first()
        if (request.GET.get("question") or "").isdigit()
        else None,
        "filters": {k: v for k, v in request.GET.items() if k != "page"},
    }
    return render(request, "surveys/responses.html", context)


@staff_only
@require_GET
def campaign_export(request, pk):
    campaign = access.get_campaign_for_user(request.user, pk)
    fmt = request.GET.get("format", "xlsx")
    if fmt not in ("xlsx", "csv"):
        raise Http404
    responses = _filtered(request, campaign)
    name = f"survey-{campaign.pk}-{slugify(campaign.name) or 'responses'}"
    if fmt == "csv":
        response = HttpResponse(
            export.as_csv(campaign, responses), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(
            export.as_xlsx(campaign, responses),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@staff_only
@require_GET
def metric_rows(request):
    """The rows behind a surveys metric's figure (the metrics drill-down):
    ``?metric=surveys.nps&period=2026-11[&customer=CODE][&part=value|denominator]``. Their
    count equals the figure's count (responses) or numerator / denominator (response rate)."""
    metrics = {m.key: m for m in METRICS}
    metric = metrics.get(request.GET.get("metric", ""))
    part = request.GET.get("part") or Part.VALUE
    try:
        period = parse(request.GET.get("period", ""))
    except PeriodError:
        period = None
    if metric is None or period is None or part not in Part.values:
        raise Http404
    scope = {}
    if "customer" in request.GET:
        scope[Dimension.CUSTOMER.value] = request.GET["customer"]
    rows = FAMILY.rows(metric.key, period, scope=scope, part=part, now=clock.now())
    invitations = metric.key == RESPONSE_RATE
    if invitations:
        rows = rows.select_related("campaign", "contact", "customer")
    else:
        rows = rows.select_related("campaign", "invitation__contact", "customer")
    page = Paginator(rows, RESPONSES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "metric": metric,
        "period": period,
        "part": part,
        "customer": scope.get(Dimension.CUSTOMER.value),
        "invitations": invitations,
        "page": page,
        "query": query.urlencode(),
    }
    return render(request, "surveys/metric_rows.html", context)
