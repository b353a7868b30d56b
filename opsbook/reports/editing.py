"""Writes of a section's narrative: the owner's edit, and going back to the generated paragraph.

The edit arrives as plain text, the way the owner read and changed it. Its numbers are linked
back to the figures (``narrative.link``), so a rebuilt draft shows the new numbers in the owner's
words; it is checked against the figures (``narrative.check``) and the warnings go back to the
editor and into the document, next to the paragraph. Each write locks the section (optimistic:
the version the editor loaded) and the report (the document is rewritten in the same
transaction), and records an audit entry.
"""

from __future__ import annotations

import html
from datetime import datetime
from typing import Any

import nh3
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from opsbook.accounts.access import is_staff_member
from opsbook.audit.models import Action
from opsbook.audit.services import record
from opsbook.core.locking import lock_version
from opsbook.core.text import has_control_characters

from . import narrative
from .access import can_edit_section
from .choices import EDITABLE_STATUSES
from .document import Narrative
from .models import Report, ReportSection

# A paragraph, not an essay: the longest the editor accepts (characters of the typed text).
MAX_NARRATIVE = 2000


def clean_text(text: Any) -> str:
    """The typed paragraph as plain text on one line: HTML tags dropped (their text kept),
    entities read, runs of white space made one space. ValidationError when empty, too long
    or holding control characters."""
    value = str(text or "")
    if has_control_characters(value, multi_line=True):
        raise ValidationError({"text": _("Control characters are not allowed.")})
    value = html.unescape(nh3.clean(value, tags=set()))
    value = " ".join(value.split())
    if not value:
        raise ValidationError({"text": _("Write the paragraph, or go back to the generated one.")})
    if len(value) > MAX_NARRATIVE:
        raise ValidationError(
            {"text": _("At most %(limit)d characters, please.") % {"limit": MAX_NARRATIVE}}
        )
    return value


def current_source(section: ReportSection) -> str:
    """The section's paragraph in linked form: the owner's edit, or else the generated one."""
    return section.edited if section.is_edited else section.generated


def section_narrative(section: ReportSection, document: dict[str, Any]) -> Narrative:
    """The ``narrative`` of ``section`` in ``document``: its current paragraph rendered with
    the document's figures and checked against them (for the draft builder after a rebuild)."""
    return narrative.compose(
        current_source(section),
        document.get("figures") or {},
        edited=section.is_edited,
        language=document.get("language") or "zh-hans",
    )


def _require_editable(section: ReportSection, actor) -> None:
    if section.report.status not in EDITABLE_STATUSES and is_staff_member(actor):
        raise PermissionDenied(
            _("The report has been submitted or published: its sections can no longer be edited.")
        )
    if not can_edit_section(actor, section):
        raise PermissionDenied(
            _("Only the section's owner, the report's editor and managers edit this paragraph.")
        )


def _lock(
    section: ReportSection, actor, expected_version: int | None, *, text: bool = True
) -> ReportSection:
    """The section and its report locked for this transaction, after the permission check on
    the locked rows (the report may have been submitted meanwhile)."""
    message = (
        _(
            "The section “%(title)s” was changed by someone else since you opened it "
            "(version %(theirs)s, yours %(yours)s). Reload it to see their change; "
            "your text has not been saved."
        )
        if text
        else _(
            "The section “%(title)s” was changed by someone else since you opened it "
            "(version %(theirs)s, yours %(yours)s). Reload it to see their change."
        )
    )
    locked = lock_version(section, expected_version, message, title=section.title)
    locked.report = (
        Report.objects.select_for_update().select_related("template").get(pk=locked.report_id)
    )
    _require_editable(locked, actor)
    return locked


def _store(locked: ReportSection, source: str, *, edited: bool, now: datetime) -> None:
    """The report's document with the section's narrative as it now is."""
    report = locked.report
    document = report.document or {}
    figures = document.get("figures") or {}
    language = document.get("language") or "zh-hans"
    changed = False
    for part in document.get("sections") or []:
        if part.get("key") == locked.key:
            part["narrative"] = narrative.compose(source, figures, edited=edited, language=language)
            changed = True
    if changed:
        report.document = document
        report.updated_at = now
        report.save(update_fields=["document", "updated_at"])


def editor_warnings(source: str, report: Report) -> list[str]:
    """The warnings for the editor about a paragraph in linked form, in the language of their
    request (the page and the sections' API show these)."""
    document = report.document or {}
    language = translation.get_language() or document.get("language") or "zh-hans"
    return narrative.check(source, document.get("figures") or {}, language=language)


def do_edit_narrative(
    section: ReportSection,
    text: str,
    *,
    actor,
    now: datetime,
    expected_version: int | None = None,
    source: str = "web",
) -> tuple[ReportSection, list[str]]:
    """Save the owner's paragraph (plain text). Its numbers that read as figures of the
    report become tokens again; the rest stay as typed and are warned about. Returns the
    section and the warnings (in the request's language). PermissionDenied unless the actor
    may edit the section and the report is still a draft (or returned); ConflictError when
    the section changed since ``expected_version``; ValidationError for empty or too long
    text."""
    _require_editable(section, actor)
    typed = clean_text(text)
    with transaction.atomic():
        locked = _lock(section, actor, expected_version)
        report = locked.report
        figures = (report.document or {}).get("figures") or {}
        before = narrative.render(current_source(locked), figures)
        linked = narrative.link(typed, figures, previous_source=current_source(locked))
        if not (locked.is_edited and locked.edited == linked):
            locked.edited = linked
            locked.is_edited = True
            locked.edited_by = actor
            locked.edited_at = now
            locked.version += 1
            locked.save(update_fields=["edited", "is_edited", "edited_by", "edited_at", "version"])
            _store(locked, linked, edited=True, now=now)
            record(
                actor=actor,
                action=Action.UPDATE,
                obj=locked,
                changes={"narrative": [before, narrative.render(linked, figures)]},
                source=source,
                parent=report,
            )
    return locked, editor_warnings(linked, report)


def do_reset_narrative(
    section: ReportSection,
    *,
    actor,
    now: datetime,
    expected_version: int | None = None,
    source: str = "web",
) -> tuple[ReportSection, list[str]]:
    """Drop the owner's edit: the section shows the generated paragraph again. Same rules as
    ``do_edit_narrative``; nothing is written when the paragraph was not edited."""
    with transaction.atomic():
        locked = _lock(section, actor, expected_version)
        report = locked.report
        if locked.is_edited:
            figures = (report.document or {}).get("figures") or {}
            before = narrative.render(locked.edited, figures)
            locked.edited = ""
            locked.is_edited = False
            locked.edited_by = actor
            locked.edited_at = now
            locked.version += 1
            locked.save(update_fields=["edited", "is_edited", "edited_by", "edited_at", "version"])
            _store(locked, locked.generated, edited=False, now=now)
            record(
                actor=actor,
                action=Action.UPDATE,
                obj=locked,
                changes={"narrative": [before, narrative.render(locked.generated, figures)]},
                source=source,
                parent=report,
            )
    return locked, editor_warnings(locked.generated, report)


def do_mark_ready(
    section: ReportSection,
    ready: bool,
    *,
    actor,
    now: datetime,
    expected_version: int | None = None,
    source: str = "web",
) -> ReportSection:
    """The owner says their section is ready (or not yet): a ready section's owner gets no
    more deadline reminders, and the editor sees how many sections are ready. Same rules as
    ``do_edit_narrative``; nothing is written when the section already says so. (Returning the
    report, or that section, makes it not ready again.)"""
    with transaction.atomic():
        locked = _lock(section, actor, expected_version, text=False)
        if locked.done != ready:
            locked.done = ready
            locked.version += 1
            locked.save(update_fields=["done", "version"])
            record(
                actor=actor,
                action=Action.UPDATE,
                obj=locked,
                changes={"ready": [not ready, ready]},
                source=source,
                parent=locked.report,
            )
    return locked
