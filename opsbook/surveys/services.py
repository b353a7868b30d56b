"""Writes of the surveys app: one transaction each, permission checked here again.

Nothing here answers a survey for anyone: a ``Response`` is only written by
``do_submit_response`` with what a contact submitted.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from opsbook.accounts.choices import Role
from opsbook.accounts.models import Customer, User
from opsbook.audit.models import Action
from opsbook.audit.services import record
from opsbook.notify.choices import ChannelKind
from opsbook.notify.models import Delivery
from opsbook.notify.services import absolute

from . import access, notices, tokens
from .choices import INVITATION_EVENT, NPS_RANGE, RATING_RANGE, QuestionKind, Via
from .models import Answer, Campaign, Choice, Invitation, Question, Response, Survey

MAX_OPTIONS = 20
MAX_TEXT = 5000


def _require_manager(actor) -> None:
    if not access.can_manage_surveys(actor):
        raise PermissionDenied(_("Only managers create and send surveys."))


def _require_editable(survey: Survey) -> None:
    if survey.is_frozen:
        raise ValidationError(
            _(
                "This survey has been sent, so its questions are frozen. "
                "Make a new version to change them."
            )
        )


# --- surveys and questions -----------------------------------------------------------------


def _check_survey(title: str, intro: str) -> tuple[str, str]:
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError({"title": _("Give the survey a title.")})
    if len(title) > 200:
        raise ValidationError({"title": _("Keep the title under 200 characters.")})
    return title, (intro or "").strip()


def do_create_survey(
    actor: User, *, title: str, intro: str = "", now: datetime, source: str = "web"
) -> Survey:
    _require_manager(actor)
    title, intro = _check_survey(title, intro)
    with transaction.atomic():
        survey = Survey.objects.create(title=title, intro=intro, created_by=actor, created_at=now)
        record(
            actor=actor,
            action=Action.CREATE,
            obj=survey,
            changes={"title": title},
            source=source,
        )
    return survey


def do_update_survey(actor: User, survey: Survey, *, title: str, intro: str) -> Survey:
    _require_manager(actor)
    title, intro = _check_survey(title, intro)
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=survey.pk)
        _require_editable(survey)
        before = {"title": survey.title, "intro": survey.intro}
        survey.title, survey.intro = title, intro
        survey.save(update_fields=["title", "intro"])
        record(
            actor=actor,
            action=Action.UPDATE,
            obj=survey,
            changes={
                k: [v, getattr(survey, k)] for k, v in before.items() if v != getattr(survey, k)
            },
        )
    return survey


def clean_options(kind: str, options: Iterable[str]) -> list[str]:
    cleaned = list(dict.fromkeys(" ".join(o.split()) for o in options if o and o.strip()))
    if kind not in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        return []
    if len(cleaned) < 2:
        raise ValidationError({"options": _("A choice question needs at least two options.")})
    if len(cleaned) > MAX_OPTIONS:
        raise ValidationError({"options": _("At most 20 options.")})
    if any(len(o) > 200 for o in cleaned):
        raise ValidationError({"options": _("Keep each option under 200 characters.")})
    return cleaned


def do_add_question(
    actor: User,
    survey: Survey,
    *,
    kind: str,
    text: str,
    required: bool = True,
    options: Iterable[str] = (),
    source: str = "web",
) -> Question:
    _require_manager(actor)
    if kind not in QuestionKind.values:
        raise ValidationError({"kind": _("Choose a kind of question.")})
    text = " ".join((text or "").split())
    if not text:
        raise ValidationError({"text": _("Write the question.")})
    if len(text) > 500:
        raise ValidationError({"text": _("Keep the question under 500 characters.")})
    cleaned = clean_options(kind, options)
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=survey.pk)
        _require_editable(survey)
        if kind == QuestionKind.NPS and survey.questions.filter(kind=QuestionKind.NPS).exists():
            raise ValidationError({"kind": _("A survey has at most one NPS question.")})
        last = survey.questions.aggregate(last=Max("position"))["last"]
        question = Question.objects.create(
            survey=survey,
            position=(last or 0) + 1,
            kind=kind,
            text=text,
            required=required,
            options=cleaned,
        )
        record(
            actor=actor,
            action=Action.CREATE,
            obj=question,
            parent=survey,
            changes={"kind": kind, "text": text, "required": required, "options": cleaned},
            source=source,
        )
    return question


def do_delete_question(actor: User, question: Question) -> None:
    _require_manager(actor)
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=question.survey_id)
        _require_editable(survey)
        record(actor=actor, action=Action.DELETE, obj=question, parent=survey)
        question.delete()


def do_new_version(actor: User, survey: Survey, *, now: datetime) -> Survey:
    """A copy of ``survey`` (version + 1) whose questions can be changed again."""
    _require_manager(actor)
    with transaction.atomic():
        latest = Survey.objects.filter(Q(pk=survey.pk) | Q(previous=survey)).aggregate(
            v=Max("version")
        )["v"]
        copy = Survey.objects.create(
            title=survey.title,
            intro=survey.intro,
            version=(latest or survey.version) + 1,
            previous=survey,
            created_by=actor,
            created_at=now,
        )
        Question.objects.bulk_create(
            Question(
                survey=copy,
                position=q.position,
                kind=q.kind,
                text=q.text,
                required=q.required,
                options=q.options,
            )
            for q in survey.questions.all()
        )
        record(
            actor=actor,
            action=Action.CREATE,
            obj=copy,
            changes={"version": copy.version, "previous": str(survey)},
        )
    return copy


# --- campaigns ---------------------------------------------------------------------------------


def contacts_qs():
    """Every customer contact who can be invited."""
    return User.objects.filter(
        is_active=True,
        role=Role.CUSTOMER,
        customer__isnull=False,
        customer__is_active=True,
    )


def do_create_campaign(
    actor: User,
    survey: Survey,
    *,
    name: str,
    customers: Iterable[Customer] = (),
    contacts: Iterable[User] = (),
    closes_at: datetime,
    now: datetime,
    source: str = "web",
) -> Campaign:
    _require_manager(actor)
    name = " ".join((name or "").split())
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Give the campaign a name.")
    customers, contacts = list(customers), list(contacts)
    if not customers and not contacts:
        errors["customers"] = _("Choose at least one organisation or contact.")
    if any(not (c.is_active and c.role == Role.CUSTOMER and c.customer_id) for c in contacts):
        errors["contacts"] = _("Only active customer contacts can be invited.")
    if closes_at <= now:
        errors["closes_at"] = _("The closing time must be in the future.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        campaign = Campaign.objects.create(
            survey=survey, name=name[:200], closes_at=closes_at, created_by=actor, created_at=now
        )
        campaign.customers.set(customers)
        campaign.contacts.set(contacts)
        record(
            actor=actor,
            action=Action.CREATE,
            obj=campaign,
            parent=survey,
            changes={
                "survey": str(survey),
                "customers": sorted(c.code for c in customers),
                "contacts": sorted(u.username for u in contacts),
                "closes_at": closes_at,
            },
            source=source,
        )
    return campaign


def audience(campaign: Campaign):
    """The contacts a campaign invites: the active contacts of its organisations and its
    named contacts (each once)."""
    return contacts_qs().filter(
        Q(customer__in=campaign.customers.all()) | Q(pk__in=campaign.contacts.values("pk"))
    )


@dataclass(frozen=True)
class Sent:
    invited: int  # new invitations
    mailed: int  # e-mails queued in the outbox
    already: int  # contacts invited before (untouched)


def do_send_campaign(
    actor: User, campaign: Campaign, now: datetime, *, source: str = "web"
) -> Sent:
    """Invite every contact of the audience not invited yet (one invitation per contact per
    campaign, whoever sends how often) and queue one e-mail each to the outbox."""
    _require_manager(actor)
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().select_related("survey").get(pk=campaign.pk)
        survey = campaign.survey
        if campaign.closes_at <= now:
            raise ValidationError(_("This campaign has closed; it can no longer be sent."))
        if not survey.questions.exists():
            raise ValidationError(_("The survey has no questions yet."))
        invited = set(campaign.invitations.values_list("contact_id", flat=True))
        people = [u for u in audience(campaign).order_by("pk") if u.pk not in invited]
        if not people and not invited:
            raise ValidationError(_("Nobody to invite: the audience has no active contacts."))
        mailed = 0
        created = 0
        for person in people:
            token, digest = tokens.new_token()
            try:
                with transaction.atomic():
                    invitation = Invitation.objects.create(
                        campaign=campaign,
                        contact=person,
                        customer_id=person.customer_id,
                        email=person.email,
                        digest=digest,
                        sent_at=now,
                        expires_at=campaign.closes_at,
                    )
            except IntegrityError:  # invited meanwhile by another send
                continue
            created += 1
            if person.email and _mail(campaign, invitation, person, token, now):
                mailed += 1
        first = campaign.sent_at is None
        if first:
            campaign.sent_at, campaign.sent_by = now, actor
            campaign.save(update_fields=["sent_at", "sent_by"])
        changes: dict[str, list[Any]] = {}
        if first:
            changes["sent_at"] = [None, now]
        if created:
            changes["invitations"] = [len(invited), len(invited) + created]
            changes["mailed"] = [0, mailed]
        # A send that invited nobody new changes nothing and records nothing.
        record(
            actor=actor,
            action=Action.UPDATE,
            obj=campaign,
            parent=survey,
            changes=changes,
            source=source,
        )
    return Sent(invited=created, mailed=mailed, already=len(invited))


def _mail(campaign: Campaign, invitation: Invitation, person: User, token: str, now) -> bool:
    url = absolute(reverse("portal:surveys:link", args=[token]))
    message = notices.invitation(
        campaign.survey.title, campaign.survey.intro, url, campaign.closes_at
    )
    with translation.override(person.language or settings.LANGUAGE_CODE):
        subject, body = message()
    try:
        with transaction.atomic():
            Delivery.objects.create(
                key=f"survey:invitation:{invitation.pk}:email",
                event=INVITATION_EVENT,
                kind=ChannelKind.EMAIL,
                recipient=person,
                address=person.email,
                subject=str(subject)[:200],
                body=str(body),
                link=url,
                next_attempt_at=now,
                created_at=now,
            )
    except IntegrityError:
        return False
    return True


# --- answering ---------------------------------------------------------------------------------


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation behind a link token (used or not, expired or not), or None."""
    if not tokens.looks_valid(token):
        return None
    return (
        Invitation.objects.select_related("campaign__survey")
        .filter(digest=tokens.digest(token))
        .first()
    )


def do_open_invitation(invitation: Invitation, *, now: datetime) -> None:
    """Note the first time the contact opened the survey (tracking only)."""
    Invitation.objects.filter(pk=invitation.pk, opened_at__isnull=True).update(opened_at=now)


def _score(raw: Any, allowed: range) -> int | None:
    if raw is None or raw == "":
        return None
    try:
        value = int(str(raw).strip())
    except ValueError:
        value = -1
    if value not in allowed:
        raise ValueError
    return value


def check_answers(questions: Iterable[Question], data: Mapping[str, Any]) -> dict[int, Any]:
    """The submitted values by question id, checked; a ValidationError names each question
    (``q<id>``) whose answer is missing or not allowed. Nothing is filled in for an
    unanswered question."""
    errors: dict[str, str] = {}
    cleaned: dict[int, Any] = {}
    for q in questions:
        raw = data.get(q.field_name)
        value: Any = None
        try:
            if q.kind == QuestionKind.NPS:
                value = _score(raw, NPS_RANGE)
            elif q.kind == QuestionKind.RATING:
                value = _score(raw, RATING_RANGE)
            elif q.kind == QuestionKind.SINGLE:
                value = str(raw) if raw not in (None, "") else None
                if value is not None and value not in q.options:
                    raise ValueError
            elif q.kind == QuestionKind.MULTIPLE:
                picked = raw if isinstance(raw, list | tuple) else ([raw] if raw else [])
                value = list(dict.fromkeys(str(p) for p in picked)) or None
                if value and any(p not in q.options for p in value):
                    raise ValueError
            else:
                value = str(raw or "").strip() or None
                if value and len(value) > MAX_TEXT:
                    errors[q.field_name] = _("Keep the answer under 5000 characters.")
                    continue
        except ValueError:
            errors[q.field_name] = _("Choose one of the offered answers.")
            continue
        if value is None:
            if q.required:
                errors[q.field_name] = _("This question needs an answer.")
            continue
        cleaned[q.pk] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


def do_submit_response(
    invitation: Invitation,
    data: Mapping[str, Any],
    *,
    via: str,
    now: datetime,
    actor: User | None = None,
) -> Response:
    """Record what the contact submitted, once. ``actor`` is the signed-in contact (portal);
    a link submission has none. PermissionDenied when the invitation is used or expired."""
    if actor is not None and (not access.invitations_of(actor).filter(pk=invitation.pk).exists()):
        raise PermissionDenied
    questions = list(invitation.campaign.survey.questions.all())
    cleaned = check_answers(questions, data)
    if not cleaned:
        raise ValidationError(_("Answer at least one question."))
    with transaction.atomic():
        claimed = Invitation.objects.filter(
            pk=invitation.pk, responded_at__isnull=True, expires_at__gt=now
        ).update(responded_at=now)
        if not claimed:
            raise PermissionDenied(_("This survey has already been answered or has closed."))
        Invitation.objects.filter(pk=invitation.pk, opened_at__isnull=True).update(opened_at=now)
        response = Response.objects.create(
            invitation=invitation,
            campaign_id=invitation.campaign_id,
            customer_id=invitation.customer_id,
            submitted_at=now,
            via=via if via in Via.values else Via.LINK,
        )
        by_id = {q.pk: q for q in questions}
        for qid, value in cleaned.items():
            q = by_id[qid]
            if q.kind in (QuestionKind.NPS, QuestionKind.RATING):
                Answer.objects.create(response=response, question=q, score=value)
            elif q.kind == QuestionKind.TEXT:
                Answer.objects.create(response=response, question=q, text=value)
            else:
                answer = Answer.objects.create(response=response, question=q)
                picked = [value] if isinstance(value, str) else value
                Choice.objects.bulk_create(Choice(answer=answer, option=p) for p in picked)
    return response
