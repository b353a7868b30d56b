"""The report's workflow (writes): submit → approve or return with comments → publish, and
corrections of a published report as new versions; comments, readers' ratings and the
distribution list.

Every step checks its actor through ``access.py`` (``None`` is the system: the demo, a job),
refuses a move the status machine does not allow (``ValidationError`` naming the status, like
the tickets'), takes the report's row lock and compares its ``version`` when the caller passes
``expected_version`` (``ConflictError``), writes in one transaction, records an audit entry
named after the step, and notifies through ``notify.do_notify`` in that transaction (the
outbox sends after commit).

Publishing freezes the report's document into a new ``ReportVersion`` (never changed after),
and writes the distribution in the same transaction: an inbox entry and e-mail per person on
the list (their preferences apply), an outbox row per plain e-mail address and per chat channel
(a summary card with a link), the customer's contacts for a customer report; one
``Distribution`` row per recipient. Nothing is sent from the request: the outbox worker sends.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from opsbook.accounts.choices import Role
from opsbook.accounts.models import User
from opsbook.audit.models import Action
from opsbook.audit.services import record
from opsbook.core.errors import ConflictError
from opsbook.core.permissions import require
from opsbook.core.text import has_control_characters
from opsbook.metrics.periods import org_tz
from opsbook.notify.choices import Audience, ChannelKind, Event
from opsbook.notify.models import Channel, Delivery
from opsbook.notify.services import absolute, do_notify

from . import access, notices
from . import narrative as narrative_text
from .choices import CommentKind, RecipientKind, ReportStatus, TemplateKind
from .models import (
    Distribution,
    Feedback,
    Recipient,
    Report,
    ReportComment,
    ReportSection,
    ReportTemplate,
    ReportVersion,
)

Actor = User | AnonymousUser | None
MAX_COMMENT = 5000
MAX_RECIPIENTS = 200

# The status machine: which step moves a report from which statuses to which.
STEPS: dict[str, tuple[frozenset[str], str]] = {
    "submit": (frozenset({ReportStatus.DRAFT, ReportStatus.RETURNED}), ReportStatus.SUBMITTED),
    "return": (frozenset({ReportStatus.SUBMITTED}), ReportStatus.RETURNED),
    "approve": (frozenset({ReportStatus.SUBMITTED}), ReportStatus.APPROVED),
    "publish": (frozenset({ReportStatus.APPROVED}), ReportStatus.PUBLISHED),
    "correct": (frozenset({ReportStatus.PUBLISHED}), ReportStatus.DRAFT),
}


def _user(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) else None


def _label(actor: Actor) -> str:
    user = _user(actor)
    return user.label if user is not None else _("the system")


def _text(value: Any, name: str, limit: int = MAX_COMMENT) -> str:
    value = str(value or "").strip()
    if has_control_characters(value, multi_line=True):
        raise ValidationError({name: _("Control characters are not allowed.")})
    if len(value) > limit:
        raise ValidationError({name: _("At most %(limit)d characters, please.") % {"limit": limit}})
    return value


def can_step(report: Report, step: str) -> bool:
    """Whether the status machine allows ``step`` from the report's status (not who may)."""
    sources, _target = STEPS[step]
    return report.status in sources


def check_step(report: Report, step: str) -> None:
    """ValidationError unless ``step`` may be taken from the report's status."""
    sources, target = STEPS[step]
    if report.status not in sources:
        raise ValidationError(
            {
                "status": _("A report that is %(current)s cannot become %(new)s.")
                % {
                    "current": ReportStatus(report.status).label,
                    "new": ReportStatus(target).label,
                }
            }
        )


def _refreshed(original: Report, locked: Report) -> Report:
    """The caller's instance brought up to date with the locked row's saved state."""
    if original is not locked:
        original.refresh_from_db()
    return original


def _lock(report: Report, expected_version: int | None) -> Report:
    """The report's row locked; ConflictError when it changed since the caller read it."""
    locked = Report.objects.select_for_update().select_related("template").get(pk=report.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError(
            _(
                "Someone else changed this report since you opened it (version %(theirs)s, "
                "yours %(yours)s). Reload it and try again."
            )
            % {"theirs": locked.version, "yours": expected_version}
        )
    return locked


def _move(
    report: Report,
    step: str,
    *,
    actor: Actor,
    now: datetime,
    fields: Mapping[str, Any] | None = None,
    changes: Mapping[str, Any] | None = None,
    source: str = "web",
) -> None:
    """Set the status the step leads to and ``fields`` on the locked ``report``, bump its
    version, save and record the step in the audit trail."""
    _sources, target = STEPS[step]
    before = report.status
    report.status = target
    for name, value in (fields or {}).items():
        setattr(report, name, value)
    report.updated_at = now
    report.version += 1
    report.save()
    record(
        actor=actor,
        action=Action.UPDATE,
        obj=report,
        changes={"step": [None, step], "status": [before, target], **(changes or {})},
        source=source,
    )


def _managers() -> list[User]:
    return list(
        User.objects.filter(is_active=True, role__in=[Role.MANAGER, Role.ADMIN]).order_by("pk")
    )


def _owners(report: Report) -> list[User]:
    ids = report.sections.exclude(owner=None).values_list("owner_id", flat=True)
    return list(User.objects.filter(pk__in=set(ids), is_active=True).order_by("pk"))


# --- the steps ----------------------------------------------------------------------------------


def missing_sections(report: Report) -> list[str]:
    """The template's sections the report's document lacks (titles); [] when complete."""
    built = {s.get("key") for s in (report.document or {}).get("sections") or []}
    return [
        s.title for s in report.template.sections.order_by("position", "pk") if s.key not in built
    ]


def do_submit(
    report: Report,
    *,
    actor: Actor,
    now: datetime,
    comment: str = "",
    expected_version: int | None = None,
    source: str = "web",
) -> Report:
    """Submit the report for review (a draft or a returned report, with every section of its
    template built). The first submission is what the governance view measures against the
    deadline."""
    comment = _text(comment, "comment")
    with transaction.atomic():
        original, report = report, _lock(report, expected_version)
        check_step(report, "submit")
        if actor is not None:
            require(
                access.can_submit(actor, report),
                _("Only the report's editor or a manager submits it."),
            )
        if not (report.document or {}).get("sections"):
            raise ValidationError({"document": _("Build the draft before submitting it.")})
        missing = missing_sections(report)
        if missing:
            raise ValidationError(
                {
                    "document": _("These sections are missing from the draft: %(names)s.")
                    % {"names": "、".join(missing)}
                }
            )
        first = report.submitted_at is None
        fields: dict[str, Any] = {}
        if first:
            fields = {"submitted_at": now, "submitted_by": _user(actor)}
        _move(
            report,
            "submit",
            actor=actor,
            now=now,
            source=source,
            fields=fields,
            changes=_said(comment),
        )
        if comment:
            ReportComment.objects.create(
                report=report,
                kind=CommentKind.NOTE,
                body=comment,
                author=_user(actor),
                created_at=now,
            )
        do_notify(
            Event.REPORT_SUBMITTED,
            key=f"report:{report.pk}:submitted:{report.version}",
            message=notices.submitted_message(report, _label(actor)),
            link=notices.report_path(report),
            audiences={Audience.MANAGERS: [u for u in _managers() if u != _user(actor)]},
            now=now,
        )
    return _refreshed(original, report)


def _said(comment: str) -> dict[str, Any]:
    return {"comment": [None, comment]} if comment else {}


def do_return(
    report: Report,
    *,
    actor: Actor,
    now: datetime,
    comment: str,
    section_key: str = "",
    expected_version: int | None = None,
    source: str = "web",
) -> Report:
    """Return a submitted report with comments (required), about the whole report or one of
    its sections; its editor and section owners (or that section's owner) are told."""
    comment = _text(comment, "comment")
    if not comment:
        raise ValidationError({"comment": _("Say what should change before returning it.")})
    section_key = str(section_key or "").strip()
    with transaction.atomic():
        original, report = report, _lock(report, expected_version)
        check_step(report, "return")
        if actor is not None:
            require(access.can_review(actor, report), _("Only managers review reports."))
        section = None
        if section_key:
            section = report.sections.filter(key=section_key).select_related("owner").first()
            if section is None:
                raise ValidationError({"section_key": _("This report has no such section.")})
            # The section goes back to its owner: it is no longer ready.
            ReportSection.objects.filter(pk=section.pk).update(done=False)
        _move(report, "return", actor=actor, now=now, source=source, changes=_said(comment))
        ReportComment.objects.create(
            report=report,
            kind=CommentKind.RETURN,
            section_key=section_key,
            body=comment,
            author=_user(actor),
            created_at=now,
        )
        editors = [u for u in (report.template.editor, report.submitted_by) if u is not None]
        owners = [section.owner] if section is not None and section.owner else _owners(report)
        do_notify(
            Event.REPORT_RETURNED,
            key=f"report:{report.pk}:returned:{report.version}",
            message=notices.returned_message(report, _label(actor), comment),
            link=notices.report_path(report),
            audiences={Audience.ASSIGNEE: editors, Audience.OWNERS: owners},
            now=now,
        )
    return _refreshed(original, report)


def do_approve(
    report: Report,
    *,
    actor: Actor,
    now: datetime,
    comment: str = "",
    expected_version: int | None = None,
    source: str = "web",
) -> Report:
    """Approve a submitted report (managers); publishing is the next step."""
    comment = _text(comment, "comment")
    with transaction.atomic():
        original, report = report, _lock(report, expected_version)
        check_step(report, "approve")
        if actor is not None:
            require(access.can_review(actor, report), _("Only managers review reports."))
        _move(
            report,
            "approve",
            actor=actor,
            now=now,
            source=source,
            fields={"approved_at": now, "approved_by": _user(actor)},
            changes=_said(comment),
        )
        ReportComment.objects.create(
            report=report,
            kind=CommentKind.APPROVAL,
            body=comment or _("Approved."),
            author=_user(actor),
            created_at=now,
        )
    return _refreshed(original, report)


def deadline_end(day: date) -> datetime:
    """The end of the deadline day in the organisation's zone (the first instant after it)."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=org_tz())


def submitted_on_time(report: Report) -> bool | None:
    """Whether the first submission came by the end of the deadline day (None: no deadline or
    never submitted)."""
    if report.deadline is None or report.submitted_at is None:
        return None
    return report.submitted_at < deadline_end(report.deadline)


def frozen_document(report: Report, number: int) -> dict[str, Any]:
    """The report's document as published: a deep copy, status "published", ``number`` as
    its version, each section's narrative rendered from its owner's edit or the generated
    text (the numbers as the figures print them)."""
    document = copy.deepcopy(report.document or {})
    document["status"] = ReportStatus.PUBLISHED.value
    document["version"] = number
    figures = document.get("figures") or {}
    sections = {s.key: s for s in report.sections.all()}
    for part in document.get("sections") or []:
        section = sections.get(part.get("key"))
        narrative = part.get("narrative")
        if section is None or narrative is None:
            continue
        source = section.edited if section.is_edited else section.generated
        if not source:
            source = narrative.get("source") or ""
        narrative["source"] = source
        narrative["text"] = narrative_text.render(source, figures)
        narrative["edited"] = bool(section.is_edited)
        # The editor's warnings are for the draft, not for readers of what was published.
        narrative["warnings"] = []
    return document


def do_publish(
    report: Report,
    *,
    actor: Actor,
    now: datetime,
    change_note: str = "",
    expected_version: int | None = None,
    source: str = "web",
) -> ReportVersion:
    """Publish an approved report: its document frozen into a new version (a correction, after
    the first, needs a change note), then distributed to the template's list."""
    change_note = _text(change_note, "change_note")
    with transaction.atomic():
        original, report = report, _lock(report, expected_version)
        check_step(report, "publish")
        if actor is not None:
            require(access.can_publish(actor, report), _("Only managers publish reports."))
        number = report.published_version + 1
        if number > 1 and not change_note:
            raise ValidationError(
                {"change_note": _("Say what this correction changes (the change note).")}
            )
        document = frozen_document(report, number)
        version = ReportVersion.objects.create(
            report=report,
            number=number,
            title=report.title,
            document=document,
            change_note=change_note,
            published_at=now,
            published_by=_user(actor),
            on_time=submitted_on_time(report),
        )
        report.document = copy.deepcopy(document)
        _move(
            report,
            "publish",
            actor=actor,
            now=now,
            source=source,
            fields={"published_at": now, "published_version": number},
            changes={"published_version": [number - 1, number], **_said(change_note)},
        )
        record(
            actor=actor,
            action=Action.CREATE,
            obj=version,
            changes={"number": number, "change_note": change_note},
            source=source,
            parent=report,
        )
        distribute(version, now=now)
    _refreshed(original, report)
    return version


def do_start_correction(
    report: Report,
    *,
    actor: Actor,
    now: datetime,
    reason: str,
    expected_version: int | None = None,
    source: str = "web",
) -> Report:
    """Reopen a published report as a draft to correct it (managers, with a reason). Its
    published versions stay as they are; the next publication is a new version with a change
    note."""
    reason = _text(reason, "reason")
    if not reason:
        raise ValidationError({"reason": _("Say why the published report needs a correction.")})
    with transaction.atomic():
        original, report = report, _lock(report, expected_version)
        check_step(report, "correct")
        if actor is not None:
            require(access.can_correct(actor, report), _("Only managers correct reports."))
        document = copy.deepcopy(report.document or {})
        document["status"] = ReportStatus.DRAFT.value
        document["version"] = 0
        _move(
            report,
            "correct",
            actor=actor,
            now=now,
            source=source,
            fields={"document": document, "approved_at": None, "approved_by": None},
            changes={"reason": [None, reason]},
        )
        ReportSection.objects.filter(report=report).update(done=False)
        ReportComment.objects.create(
            report=report,
            kind=CommentKind.NOTE,
            body=_("Correction started: %(reason)s") % {"reason": reason},
            author=_user(actor),
            created_at=now,
        )
    return _refreshed(original, report)


# --- comments and ratings ---------------------------------------------------------------------


def do_comment(
    report: Report,
    *,
    actor: Actor,
    now: datetime,
    body: str,
    section_key: str = "",
    source: str = "web",
) -> ReportComment:
    """A comment on the report or one of its sections, by someone working on it (managers, the
    editor, section owners)."""
    body = _text(body, "body")
    if not body:
        raise ValidationError({"body": _("Write the comment.")})
    if actor is not None:
        require(access_can_comment(actor, report), _("Only people working on the report comment."))
    section_key = str(section_key or "").strip()
    if section_key and not report.sections.filter(key=section_key).exists():
        raise ValidationError({"section_key": _("This report has no such section.")})
    with transaction.atomic():
        comment = ReportComment.objects.create(
            report=report,
            kind=CommentKind.NOTE,
            section_key=section_key,
            body=body,
            author=_user(actor),
            created_at=now,
        )
        record(
            actor=actor,
            action=Action.CREATE,
            obj=comment,
            changes={"section_key": section_key, "body": body},
            source=source,
            parent=report,
        )
    return comment


def access_can_comment(user: Any, report: Report) -> bool:
    """Managers, the report's editor and its section owners (not viewers, not customers)."""
    if access.can_manage_reports(user) or access.is_editor(user, report):
        return True
    return (
        access.can_view_reports(user)
        and user.role != Role.VIEWER
        and report.sections.filter(owner_id=user.pk).exists()
    )


def can_rate(user: Any, version: ReportVersion) -> bool:
    """Staff readers rate any version; a customer's contacts their own customer reports."""
    return access.versions_for_user(user).filter(pk=version.pk).exists()


def do_rate(
    version: ReportVersion,
    *,
    reader: User,
    rating: int | str,
    comment: str = "",
    now: datetime,
    source: str = "web",
) -> Feedback:
    """A reader's rating (1–5) and comment on a published version; rating again replaces it."""
    require(can_rate(reader, version), _("You cannot rate this report."))
    try:
        stars = int(rating)
    except (TypeError, ValueError):
        raise ValidationError({"rating": _("Rate from 1 to 5.")}) from None
    if not 1 <= stars <= 5:
        raise ValidationError({"rating": _("Rate from 1 to 5.")})
    comment = _text(comment, "comment", 2000)
    with transaction.atomic():
        feedback = (
            Feedback.objects.select_for_update().filter(version=version, reader=reader).first()
        )
        if feedback is None:
            try:
                with transaction.atomic():
                    feedback = Feedback.objects.create(
                        version=version,
                        reader=reader,
                        rating=stars,
                        comment=comment,
                        created_at=now,
                    )
            except IntegrityError:
                # The same reader's other request (a double click) rated first: replace it.
                feedback = Feedback.objects.select_for_update().get(version=version, reader=reader)
            else:
                record(
                    actor=reader,
                    action=Action.CREATE,
                    obj=feedback,
                    changes={"rating": stars, "comment": comment},
                    source=source,
                    parent=version.report,
                )
                return feedback
        before = {"rating": feedback.rating, "comment": feedback.comment}
        feedback.rating, feedback.comment, feedback.created_at = stars, comment, now
        feedback.save(update_fields=["rating", "comment", "created_at"])
        record(
            actor=reader,
            action=Action.UPDATE,
            obj=feedback,
            changes={
                k: [before[k], v]
                for k, v in (("rating", stars), ("comment", comment))
                if before[k] != v
            },
            source=source,
            parent=version.report,
        )
    return feedback


# --- the distribution list --------------------------------------------------------------------


@dataclass(frozen=True)
class RecipientEntry:
    """One entry of a distribution list as a page or the API sends it."""

    kind: str
    user: User | None = None
    email: str = ""
    channel: Channel | None = None

    @classmethod
    def of(cls, data: Any) -> RecipientEntry:
        if isinstance(data, RecipientEntry):
            return data
        if isinstance(data, Recipient):
            return cls(data.kind, data.user, data.email, data.channel)
        return cls(
            str(data.get("kind", "")),
            data.get("user"),
            str(data.get("email") or ""),
            data.get("channel"),
        )


def _check_entry(template: ReportTemplate, entry: RecipientEntry, at: int) -> tuple:
    where = {"position": at + 1}

    def bad(message: str) -> ValidationError:
        return ValidationError({"recipients": _("Entry %(position)s: ") % where + message})

    if entry.kind not in RecipientKind.values:
        raise bad(_("choose a user, an e-mail address, a chat channel or the customer."))
    if entry.kind == RecipientKind.USER:
        user = entry.user
        if user is None or not user.is_active:
            raise bad(_("choose an active user."))
        if not (
            user.is_staff_member
            or (
                template.kind == TemplateKind.CUSTOMER
                and user.role == Role.CUSTOMER
                and user.customer_id == template.customer_id
            )
        ):
            raise bad(_("a customer's contact receives only their own customer's reports."))
        return (entry.kind, user.pk, "", None)
    if entry.kind == RecipientKind.EMAIL:
        email = entry.email.strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            raise bad(_("%(email)s is not an e-mail address.") % {"email": email}) from None
        return (entry.kind, None, email, None)
    if entry.kind == RecipientKind.CHANNEL:
        channel = entry.channel
        if channel is None or not channel.is_active:
            raise bad(_("choose an active chat channel."))
        if channel.kind == ChannelKind.EMAIL:
            raise bad(_("give an e-mail address instead."))
        return (entry.kind, None, "", channel.pk)
    if template.kind != TemplateKind.CUSTOMER or template.customer_id is None:
        raise bad(_("only a customer's template is sent to the customer's contacts."))
    return (entry.kind, None, "", None)


def do_save_recipients(
    template: ReportTemplate,
    entries: Iterable[Any],
    *,
    actor: Actor,
    now: datetime,
    source: str = "web",
) -> list[Recipient]:
    """Replace the template's distribution list with ``entries`` (``RecipientEntry``, dicts
    with kind and user/email/channel, or ``Recipient`` rows); duplicates are kept once."""
    if actor is not None:
        require(
            access.can_manage_templates(actor), _("Only managers change the distribution list.")
        )
    items = [RecipientEntry.of(e) for e in entries]
    if len(items) > MAX_RECIPIENTS:
        raise ValidationError(
            {"recipients": _("At most %(max)d recipients.") % {"max": MAX_RECIPIENTS}}
        )
    wanted = list(dict.fromkeys(_check_entry(template, e, i) for i, e in enumerate(items)))
    with transaction.atomic():
        ReportTemplate.objects.select_for_update().filter(pk=template.pk).first()
        before = [_describe(r) for r in template.recipients.select_related("user", "channel")]
        template.recipients.all().delete()
        rows = [
            Recipient.objects.create(
                template=template, kind=kind, user_id=user_id, email=email, channel_id=channel_id
            )
            for kind, user_id, email, channel_id in wanted
        ]
        after = [_describe(r) for r in rows]
        if before != after:
            ReportTemplate.objects.filter(pk=template.pk).update(updated_at=now)
            record(
                actor=actor,
                action=Action.UPDATE,
                obj=template,
                changes={"recipients": [before, after]},
                source=source,
            )
    return rows


def _describe(recipient: Recipient) -> str:
    if recipient.kind == RecipientKind.USER and recipient.user is not None:
        return f"user:{recipient.user.username}"
    if recipient.kind == RecipientKind.EMAIL:
        return f"email:{recipient.email}"
    if recipient.kind == RecipientKind.CHANNEL and recipient.channel is not None:
        return f"channel:{recipient.channel.name}"
    return str(recipient.kind)


def customer_contacts(template: ReportTemplate) -> list[User]:
    """The active contacts of a customer template's customer (none for other templates)."""
    if template.kind != TemplateKind.CUSTOMER or template.customer_id is None:
        return []
    return list(
        User.objects.filter(
            role=Role.CUSTOMER, customer_id=template.customer_id, is_active=True
        ).order_by("pk")
    )


def distribute(version: ReportVersion, *, now: datetime) -> list[Distribution]:
    """Send a published version to its template's distribution list (in the caller's
    transaction; the outbox sends after commit). One ``Distribution`` row per recipient; a
    second call for the same version sends nothing twice (the notify keys are unique)."""
    if version.distributions.exists():
        return []
    report = version.report
    template = report.template
    message = notices.published_message(version)
    key = f"report:{report.pk}:v{version.number}"
    staff_link = notices.version_path(version)
    rows: list[Distribution] = []

    def sent(kind: str, target: str, outcome: str) -> None:
        rows.append(
            Distribution.objects.create(
                version=version, kind=kind, target=target[:300], sent_at=now, outcome=outcome[:300]
            )
        )

    people: list[User] = []
    contacts: list[User] = []
    for recipient in template.recipients.select_related("user", "channel"):
        if recipient.kind == RecipientKind.USER and recipient.user is not None:
            if recipient.user.role == Role.CUSTOMER:
                # Only this customer's own contacts, and only for a customer report: a contact
                # who moved to another organisation (or a template whose scope changed) never
                # receives another organisation's figures.
                if (
                    template.kind == TemplateKind.CUSTOMER
                    and template.customer_id is not None
                    and recipient.user.customer_id == template.customer_id
                ):
                    contacts.append(recipient.user)
            else:
                people.append(recipient.user)
        elif recipient.kind == RecipientKind.EMAIL and recipient.email:
            queued = _queue(
                key=f"{key}:address:{recipient.email}",
                kind=ChannelKind.EMAIL,
                address=recipient.email,
                channel=None,
                message=message,
                link=staff_link,
                now=now,
            )
            sent(RecipientKind.EMAIL, recipient.email, _("queued") if queued else _("already sent"))
        elif recipient.kind == RecipientKind.CHANNEL and recipient.channel is not None:
            channel = recipient.channel
            if not channel.is_active:
                sent(RecipientKind.CHANNEL, channel.name, _("channel switched off"))
                continue
            queued = _queue(
                key=f"{key}:channel:{channel.pk}",
                kind=channel.kind,
                address="",
                channel=channel,
                message=message,
                link=staff_link,
                now=now,
            )
            sent(RecipientKind.CHANNEL, channel.name, _("queued") if queued else _("already sent"))
        elif recipient.kind == RecipientKind.CUSTOMER:
            contacts.extend(customer_contacts(template))
    people = list({u.pk: u for u in people if u.is_active}.values())
    if people:
        notes = do_notify(
            Event.REPORT_PUBLISHED,
            key=key,
            message=message,
            link=staff_link,
            audiences={Audience.ASSIGNEE: people},
            now=now,
        )
        told = {n.user_id for n in notes}
        for user in people:
            sent(
                RecipientKind.USER,
                user.label,
                _("inbox and e-mail as they prefer") if user.pk in told else _("e-mail"),
            )
    contacts = list({u.pk: u for u in contacts if u.is_active}.values())
    if contacts:
        do_notify(
            Event.REPORT_PUBLISHED,
            key=key,
            message=message,
            link=notices.portal_version_path(version),
            audiences={Audience.ASSIGNEE: contacts},
            now=now,
        )
        for user in contacts:
            sent(RecipientKind.CUSTOMER, user.label, _("e-mail and the portal"))
    if template.kind == TemplateKind.CUSTOMER and template.customer_id is not None:
        sent(
            RecipientKind.CUSTOMER, _("Portal: %(name)s") % {"name": template.customer}, _("shown")
        )
    return rows


def _queue(
    *,
    key: str,
    kind: str,
    address: str,
    channel: Channel | None,
    message: notices.Message,
    link: str,
    now: datetime,
) -> bool:
    """An outbox row for a plain e-mail address or a chat channel (the worker sends it, with
    the channel's card format and the vendor's limits); False when it was queued before."""
    if Delivery.objects.filter(key=key[:250]).exists():
        return False
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = message()
    Delivery.objects.create(
        key=key[:250],
        event=Event.REPORT_PUBLISHED,
        kind=kind,
        channel=channel,
        address=address,
        subject=str(subject)[:200],
        body=str(body),
        link=absolute(link),
        next_attempt_at=now,
        created_at=now,
    )
    return True
