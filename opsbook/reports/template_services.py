"""Writing report templates: the template's fields, its sections (title, key, owner, narrative
flag, blocks), their order, export to JSON and import from it.

A template is data: everything it holds can be exported as one JSON object and imported on
another installation (people by user name, teams by name, customers by code). Every write checks
the actor (``access.can_manage_templates``; ``actor=None`` is the system), runs in one
transaction, bumps the template's ``version`` and is audited. Bad input raises
``ValidationError`` naming the field, and nothing is written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max, ProtectedError
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from opsbook.accounts.choices import Role
from opsbook.accounts.models import Customer, Team, User
from opsbook.audit.models import Action
from opsbook.audit.services import diff, record, snapshot

from . import access, blocks, defaults
from .choices import TemplateKind
from .models import ReportTemplate, TemplateSection

# What an exported template says it is; an import refuses anything else.
EXPORT_FORMAT = "opsbook.report-template"
EXPORT_SCHEMA = 1
# Limits that keep an imported file sane (the upload itself is limited by the view and API).
MAX_SECTIONS = 40
MAX_BLOCKS = 30
MAX_IMPORT_BYTES = 256 * 1024

TEMPLATE_FIELDS = (
    "code",
    "name",
    "description",
    "kind",
    "team",
    "customer",
    "editor",
    "is_default",
    "is_active",
    "auto_draft",
    "deadline_working_days",
    "layout",
)
SECTION_FIELDS = ("key", "title", "owner", "narrative", "blocks")
KEY_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,49}$")


def _check(actor: Any) -> None:
    if actor is not None and not access.can_manage_templates(actor):
        raise PermissionDenied(_("Only managers change report templates."))


def clean_blocks(value: Any) -> list[dict[str, Any]]:
    """A section's blocks checked against the registry: ``[{"type", "options"}]`` with each
    type's options cleaned (defaults filled in). ValidationError says which block is wrong."""
    if not isinstance(value, list):
        raise ValidationError({"blocks": _("Blocks are a list of {type, options} objects.")})
    if len(value) > MAX_BLOCKS:
        raise ValidationError(
            {"blocks": _("A section has at most %(n)d blocks.") % {"n": MAX_BLOCKS}}
        )
    cleaned = []
    for n, item in enumerate(value, start=1):
        if not isinstance(item, Mapping) or not isinstance(item.get("type"), str):
            raise ValidationError(
                {"blocks": _("Block %(n)d: a block is an object with a type.") % {"n": n}}
            )
        extra = set(item) - {"type", "options"}
        if extra:
            raise ValidationError(
                {
                    "blocks": _("Block %(n)d: unknown field %(f)s.")
                    % {"n": n, "f": ", ".join(sorted(extra))}
                }
            )
        options = item.get("options") or {}
        if not isinstance(options, Mapping):
            raise ValidationError({"blocks": _("Block %(n)d: options are an object.") % {"n": n}})
        try:
            block_type = blocks.get(item["type"])
            options = block_type.clean(dict(options))
        except blocks.BlockError as exc:
            raise ValidationError(
                {"blocks": _("Block %(n)d: %(error)s") % {"n": n, "error": exc}}
            ) from None
        cleaned.append({"type": item["type"], "options": dict(options)})
    return cleaned


def _validate_template(template: ReportTemplate) -> None:
    errors: dict[str, str] = {}
    if not template.name.strip():
        errors["name"] = _("A template needs a name.")
    elif len(template.name) > 200:
        errors["name"] = _("A name is at most 200 characters.")
    if not KEY_RE.match(template.code or ""):
        errors["code"] = _(
            "A code is 1–50 lower-case letters, digits, hyphens or underscores (e.g. monthly)."
        )
    if template.kind not in TemplateKind.values:
        errors["kind"] = _("Unknown kind %(kind)s.") % {"kind": template.kind}
    elif template.kind == TemplateKind.TEAM and template.team_id is None:
        errors["team"] = _("A team template names its team.")
    elif template.kind == TemplateKind.CUSTOMER and template.customer_id is None:
        errors["customer"] = _("A customer template names its customer.")
    if template.kind != TemplateKind.TEAM and template.team_id is not None:
        errors["team"] = _("Only a team template names a team.")
    if template.kind != TemplateKind.CUSTOMER and template.customer_id is not None:
        errors["customer"] = _("Only a customer template names a customer.")
    if template.is_default and template.kind != TemplateKind.ORGANISATION:
        errors["is_default"] = _("The organisation's default is an organisation template.")
    if not 1 <= (template.deadline_working_days or 0) <= 20:
        errors["deadline_working_days"] = _("The deadline is the 1st to the 20th working day.")
    if template.editor is not None and (
        not template.editor.is_active or template.editor.role in (Role.CUSTOMER, Role.VIEWER)
    ):
        errors["editor"] = _("The editor is an active member of staff who may write.")
    if not isinstance(template.layout, dict):
        errors["layout"] = _("The layout is an object.")
    if (
        template.code
        and ReportTemplate.objects.filter(code=template.code).exclude(pk=template.pk).exists()
    ):
        errors["code"] = _("Another template has the code %(code)s.") % {"code": template.code}
    if errors:
        raise ValidationError(errors)


def _validate_section(section: TemplateSection) -> None:
    errors: dict[str, str] = {}
    if not KEY_RE.match(section.key or ""):
        errors["key"] = _("A key is 1–50 lower-case letters, digits, hyphens or underscores.")
    elif (
        TemplateSection.objects.filter(template_id=section.template_id, key=section.key)
        .exclude(pk=section.pk)
        .exists()
    ):
        errors["key"] = _("This template already has a section %(key)s.") % {"key": section.key}
    if not section.title.strip():
        errors["title"] = _("A section needs a title.")
    elif len(section.title) > 200:
        errors["title"] = _("A title is at most 200 characters.")
    if section.owner is not None and (
        not section.owner.is_active or section.owner.role == Role.CUSTOMER
    ):
        errors["owner"] = _("A section's owner is an active member of staff.")
    if errors:
        raise ValidationError(errors)


def _touch(template: ReportTemplate, now: datetime) -> None:
    ReportTemplate.objects.filter(pk=template.pk).update(version=F("version") + 1, updated_at=now)
    template.refresh_from_db(fields=["version", "updated_at"])


def default_sections(kind: str = TemplateKind.ORGANISATION) -> list[dict[str, Any]]:
    """The sections a new template starts with, in the articles' order (概述, 关键指标, 问题分析,
    改进措施, 总结与展望, 附录): ``defaults.py``'s, a customer's for a customer template; titles in
    Chinese (the report's language)."""
    rows = (
        defaults.customer_sections()
        if kind == TemplateKind.CUSTOMER
        else defaults.organisation_sections()
    )
    with translation.override("zh-hans"):
        return [
            {
                "key": key,
                "title": gettext(defaults.TITLES[key]),
                "narrative": narrative,
                "blocks": clean_blocks(section_blocks),
            }
            for key, section_blocks, narrative in rows
        ]


@transaction.atomic
def do_save_template(
    template: ReportTemplate | None,
    fields: Mapping[str, Any],
    *,
    actor: Any,
    now: datetime,
    source: str = "web",
    with_default_sections: bool = True,
) -> ReportTemplate:
    """Create (``template`` None) or change a template. ``fields``: any of TEMPLATE_FIELDS (team,
    customer and editor as objects or None). A new template starts with the default sections
    unless ``with_default_sections`` is False. Making a template the default unsets the old one."""
    _check(actor)
    unknown = set(fields) - set(TEMPLATE_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown field %(f)s.") % {"f": ", ".join(sorted(unknown))})
    creating = template is None
    if template is None:
        template = ReportTemplate(created_at=now, updated_at=now)
        before: dict[str, Any] = {}
    else:
        template = ReportTemplate.objects.select_for_update().get(pk=template.pk)
        before = snapshot(template, TEMPLATE_FIELDS)
    before_scope = {name: getattr(template, name) for name in ("kind", "customer_id", "team_id")}
    for name, value in fields.items():
        setattr(template, name, value)
    if not creating and template.reports.exists():
        # Reports already made with this template belong to its scope: a customer's published
        # versions must never become readable by another customer (access goes through the
        # template), nor a team's or the organisation's drafts be rebuilt for someone else.
        moved = [
            name
            for name in ("kind", "customer_id", "team_id")
            if getattr(template, name) != before_scope[name]
        ]
        if moved:
            raise ValidationError(
                {
                    "kind": _(
                        "This template has reports: its kind, team and customer can no longer "
                        "change. Make a new template for another scope."
                    )
                }
            )
    if isinstance(template.code, str):
        template.code = template.code.strip()
    if isinstance(template.name, str):
        template.name = template.name.strip()
    _validate_template(template)
    if template.is_default:
        ReportTemplate.objects.filter(is_default=True).exclude(pk=template.pk).update(
            is_default=False
        )
    template.updated_at = now
    if creating:
        template.save()
        if with_default_sections:
            for position, data in enumerate(default_sections(template.kind)):
                TemplateSection.objects.create(template=template, position=position, **data)
        record(
            actor=actor,
            action=Action.CREATE,
            obj=template,
            changes=snapshot(template, TEMPLATE_FIELDS),
            source=source,
        )
    else:
        template.version += 1
        template.save()
        record(
            actor=actor,
            action=Action.UPDATE,
            obj=template,
            changes=diff(before, snapshot(template, TEMPLATE_FIELDS)),
            source=source,
        )
    return template


@transaction.atomic
def do_delete_template(
    template: ReportTemplate, *, actor: Any, now: datetime, source: str = "web"
) -> None:
    """Delete a template no report uses; one that reports use is kept (deactivate it)."""
    _check(actor)
    count = template.reports.count()
    if count:
        raise ValidationError(
            _("%(n)d reports use this template, so it cannot be deleted; make it inactive instead.")
            % {"n": count}
        )
    record(actor=actor, action=Action.DELETE, obj=template, source=source)
    try:
        template.delete()
    except ProtectedError:  # a report was made meanwhile
        raise ValidationError(_("Reports use this template, so it cannot be deleted.")) from None


@transaction.atomic
def do_save_section(
    template: ReportTemplate,
    section: TemplateSection | None,
    fields: Mapping[str, Any],
    *,
    actor: Any,
    now: datetime,
    source: str = "web",
) -> TemplateSection:
    """Add a section at the end (``section`` None) or change one: any of SECTION_FIELDS (owner
    a User or None, blocks as ``[{"type", "options"}]``, checked against the registry)."""
    _check(actor)
    unknown = set(fields) - set(SECTION_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown field %(f)s.") % {"f": ", ".join(sorted(unknown))})
    if len(fields.get("blocks", []) or []) > MAX_BLOCKS:
        raise ValidationError(
            {"blocks": _("A section has at most %(n)d blocks.") % {"n": MAX_BLOCKS}}
        )
    creating = section is None
    if section is None:
        if template.sections.count() >= MAX_SECTIONS:
            raise ValidationError(_("A template has at most %(n)d sections.") % {"n": MAX_SECTIONS})
        last = template.sections.aggregate(m=Max("position"))["m"]
        section = TemplateSection(template=template, position=0 if last is None else last + 1)
        before: dict[str, Any] = {}
    else:
        if section.template_id != template.pk:
            raise ValidationError(_("That section belongs to another template."))
        before = snapshot(section, SECTION_FIELDS)
    data = dict(fields)
    if "blocks" in data:
        data["blocks"] = clean_blocks(data["blocks"])
    for name, value in data.items():
        setattr(section, name, value)
    if isinstance(section.key, str):
        section.key = section.key.strip()
    if isinstance(section.title, str):
        section.title = section.title.strip()
    if creating and not section.key and section.title:
        section.key = _free_key(template, slugify(section.title) or "section")
    _validate_section(section)
    section.save()
    record(
        actor=actor,
        action=Action.CREATE if creating else Action.UPDATE,
        obj=section,
        changes=diff(before, snapshot(section, SECTION_FIELDS)),
        source=source,
        parent=template,
    )
    _touch(template, now)
    return section


def _free_key(template: ReportTemplate, base: str) -> str:
    base = base[:40]
    taken = set(template.sections.values_list("key", flat=True))
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


@transaction.atomic
def do_move_section(
    section: TemplateSection, direction: str, *, actor: Any, now: datetime, source: str = "web"
) -> None:
    """Swap a section with its neighbour above (``"up"``) or below (``"down"``); at an end,
    nothing changes. Positions are renumbered 0, 1, 2 … on the way."""
    _check(actor)
    if direction not in ("up", "down"):
        raise ValidationError(_("A section moves up or down."))
    template = ReportTemplate.objects.select_for_update().get(pk=section.template_id)
    ordered = list(template.sections.order_by("position", "id"))
    index = next(i for i, s in enumerate(ordered) if s.pk == section.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(ordered):
        return
    before = [s.key for s in ordered]
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, s in enumerate(ordered):
        if s.position != position:
            TemplateSection.objects.filter(pk=s.pk).update(position=position)
    record(
        actor=actor,
        action=Action.UPDATE,
        obj=template,
        changes={"sections": [before, [s.key for s in ordered]]},
        source=source,
    )
    _touch(template, now)


@transaction.atomic
def do_delete_section(
    section: TemplateSection, *, actor: Any, now: datetime, source: str = "web"
) -> None:
    _check(actor)
    template = section.template
    record(actor=actor, action=Action.DELETE, obj=section, source=source, parent=template)
    section.delete()
    _touch(template, now)


# --- Export and import -------------------------------------------------------------------------


def do_export_template(template: ReportTemplate) -> dict[str, Any]:
    """The template as plain JSON data (what ``do_import_template`` reads back)."""
    return {
        "format": EXPORT_FORMAT,
        "schema": EXPORT_SCHEMA,
        "code": template.code,
        "name": template.name,
        "description": template.description,
        "kind": template.kind,
        "team": template.team.name if template.team else None,
        "customer": template.customer.code if template.customer else None,
        "editor": template.editor.username if template.editor else None,
        "auto_draft": template.auto_draft,
        "deadline_working_days": template.deadline_working_days,
        "layout": template.layout or {},
        "sections": [
            {
                "key": s.key,
                "title": s.title,
                "owner": s.owner.username if s.owner else None,
                "narrative": s.narrative,
                "blocks": s.blocks,
            }
            for s in template.sections.select_related("owner").order_by("position", "id")
        ],
    }


def _field(data: Mapping[str, Any], name: str, kind: type | tuple[type, ...], default: Any) -> Any:
    value = data.get(name, default)
    if value is None and default is None:
        return None
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ValidationError({name: _("%(name)s has the wrong type.") % {"name": name}})
    return value


def _person(name: str | None, field: str) -> User | None:
    if name is None or name == "":
        return None
    user = User.objects.filter(username=name).first()
    if user is None:
        raise ValidationError({field: _("No user %(name)s.") % {"name": name}})
    return user


def _parse(data: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The template's fields and its sections from exported JSON (already parsed), checked;
    nothing is written."""
    if not isinstance(data, Mapping):
        raise ValidationError(_("The file is not a report template (a JSON object)."))
    if data.get("format") != EXPORT_FORMAT:
        raise ValidationError(
            _("The file is not an exported report template (format %(f)s expected).")
            % {"f": EXPORT_FORMAT}
        )
    if data.get("schema") != EXPORT_SCHEMA:
        raise ValidationError(
            _("This file has schema %(s)s; this version reads schema %(ok)s.")
            % {"s": data.get("schema"), "ok": EXPORT_SCHEMA}
        )
    team_name = _field(data, "team", str, None)
    customer_code = _field(data, "customer", str, None)
    team = Team.objects.filter(name=team_name).first() if team_name else None
    if team_name and team is None:
        raise ValidationError({"team": _("No team %(name)s.") % {"name": team_name}})
    customer = Customer.objects.filter(code=customer_code).first() if customer_code else None
    if customer_code and customer is None:
        raise ValidationError({"customer": _("No customer %(code)s.") % {"code": customer_code}})
    fields = {
        "code": _field(data, "code", str, ""),
        "name": _field(data, "name", str, ""),
        "description": _field(data, "description", str, ""),
        "kind": _field(data, "kind", str, TemplateKind.ORGANISATION),
        "team": team,
        "customer": customer,
        "editor": _person(_field(data, "editor", str, None), "editor"),
        "auto_draft": _field(data, "auto_draft", bool, True),
        "deadline_working_days": _field(data, "deadline_working_days", int, 5),
        "layout": _field(data, "layout", dict, {}),
    }
    sections = _field(data, "sections", list, [])
    if len(sections) > MAX_SECTIONS:
        raise ValidationError(
            {"sections": _("A template has at most %(n)d sections.") % {"n": MAX_SECTIONS}}
        )
    parsed = []
    for n, s in enumerate(sections, start=1):
        if not isinstance(s, Mapping):
            raise ValidationError({"sections": _("Section %(n)d is not an object.") % {"n": n}})
        try:
            parsed.append(
                {
                    "key": _field(s, "key", str, ""),
                    "title": _field(s, "title", str, ""),
                    "owner": _person(_field(s, "owner", str, None), "owner"),
                    "narrative": _field(s, "narrative", bool, True),
                    "blocks": clean_blocks(s.get("blocks", [])),
                }
            )
        except ValidationError as exc:
            raise ValidationError(
                {
                    "sections": _("Section %(n)d (%(key)s): %(errors)s")
                    % {"n": n, "key": s.get("key", "?"), "errors": "; ".join(exc.messages)}
                }
            ) from None
    keys = [p["key"] for p in parsed]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise ValidationError(
            {"sections": _("Section keys repeat: %(keys)s.") % {"keys": ", ".join(duplicates)}}
        )
    return fields, parsed


def _apply(
    template: ReportTemplate | None,
    parsed_data: tuple[dict[str, Any], list[dict[str, Any]]],
    *,
    actor: Any,
    now: datetime,
    source: str,
) -> ReportTemplate:
    fields, parsed = parsed_data
    with transaction.atomic():
        template = do_save_template(
            template, fields, actor=actor, now=now, source=source, with_default_sections=False
        )
        template.sections.all().delete()
        for position, section_data in enumerate(parsed):
            section = TemplateSection(template=template, position=position, **section_data)
            try:
                _validate_section(section)
            except ValidationError as exc:
                raise ValidationError(
                    {
                        "sections": _("Section %(n)d (%(key)s): %(errors)s")
                        % {
                            "n": position + 1,
                            "key": section.key,
                            "errors": "; ".join(exc.messages),
                        }
                    }
                ) from None
            section.save()
        record(
            actor=actor,
            action=Action.UPDATE,
            obj=template,
            changes={"sections": [None, [s["key"] for s in parsed]]},
            source=source,
        )
    return template


def do_import_template(
    data: Any, *, actor: Any, now: datetime, replace: bool = False, source: str = "web"
) -> ReportTemplate:
    """A template from its exported JSON (already parsed). A template with the same code is an
    error unless ``replace``: then its fields and sections are replaced by the file's. All or
    nothing: one transaction, every section and block checked before anything is kept."""
    _check(actor)
    parsed = _parse(data)
    code = parsed[0]["code"]
    with transaction.atomic():
        existing = ReportTemplate.objects.filter(code=code).first()
        if existing is not None and not replace:
            raise ValidationError(
                {
                    "code": _(
                        "A template with the code %(code)s exists: choose to replace it, "
                        "or change the code in the file."
                    )
                    % {"code": code}
                }
            )
        return _apply(existing, parsed, actor=actor, now=now, source=source)


def do_replace_template(
    template: ReportTemplate, data: Any, *, actor: Any, now: datetime, source: str = "web"
) -> ReportTemplate:
    """Replace one template's fields and sections by ``data`` (the exported shape)."""
    _check(actor)
    return _apply(template, _parse(data), actor=actor, now=now, source=source)
