"""``opsbook report fonts [--force]``: cut the installed CJK faces down for PDF reports (see
``reports/export/fonts.py``; ``make setup`` runs it, and so should a production install).

``opsbook report build --month YYYY-MM [--template CODE] [--customer CODE]
--format docx|pdf|xlsx -o FILE [--version N | --draft]``: a month's report as a file.

Which template: ``--template CODE``; ``--customer CODE`` alone picks that customer's customer
template; neither, the organisation's default. Which document: the latest published version
(``--version N``: that one) when the month's report has been published, else its current draft;
``--draft`` takes the draft even after publication. With no report for the month yet, a draft
is built from the data on the fly (nothing is saved).

The file is written to a temporary file beside ``FILE`` and renamed into place, so a failure
never leaves half a file; errors say what to fix and exit with status 1.
"""

from __future__ import annotations

import os
import re
import tempfile
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from opsbook.accounts.models import Customer
from opsbook.core import clock
from opsbook.metrics import periods
from opsbook.metrics.periods import Period

from ... import drafting
from ...choices import Format, TemplateKind
from ...document import Document
from ...export import export
from ...export import fonts as font_cuts
from ...models import Report, ReportTemplate, ReportVersion

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str) -> Period:
    match = _MONTH.match(text or "")
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1970:
        raise CommandError(f"--month {text!r}: write the month as YYYY-MM, e.g. 2026-11.")
    return periods.month(int(match.group(1)), int(match.group(2)))


def pick_template(template_code: str | None, customer_code: str | None) -> ReportTemplate:
    """The template named, the customer's customer template, or the organisation default."""
    customer = None
    if customer_code:
        customer = Customer.objects.filter(code=customer_code).first()
        if customer is None:
            raise CommandError(f"--customer {customer_code!r}: no such customer.")
    if template_code:
        template = ReportTemplate.objects.filter(code=template_code).first()
        if template is None:
            raise CommandError(f"--template {template_code!r}: no such report template.")
        if customer is not None and template.customer_id != customer.pk:
            raise CommandError(
                f"--template {template_code!r} is not a customer template of {customer.code!r}."
            )
        return template
    if customer is not None:
        candidates = list(
            ReportTemplate.objects.filter(
                kind=TemplateKind.CUSTOMER, customer=customer, is_active=True
            ).order_by("code")
        )
        if not candidates:
            raise CommandError(
                f"--customer {customer.code!r}: the customer has no report template."
            )
        if len(candidates) > 1:
            codes = ", ".join(t.code for t in candidates)
            raise CommandError(
                f"--customer {customer.code!r} has several templates ({codes}): add --template."
            )
        return candidates[0]
    template = ReportTemplate.objects.filter(is_default=True).first()
    if template is None:
        raise CommandError("There is no default report template: name one with --template.")
    return template


def pick_document(
    template: ReportTemplate, period: Period, *, version: int | None, draft: bool, now: datetime
) -> tuple[Document, str]:
    """The document to export and a few words saying which it is."""
    report = Report.objects.filter(template=template, period=period.code).first()
    if version is not None:
        found = (
            ReportVersion.objects.filter(report=report, number=version).first() if report else None
        )
        if found is None:
            raise CommandError(f"{template.code} {period.code} has no published version {version}.")
        return found.document, f"published version {version}"
    if report is not None and not draft and report.published_version:
        latest = ReportVersion.objects.filter(report=report).order_by("-number").first()
        if latest is not None:
            return latest.document, f"published version {latest.number}"
    if report is not None and report.document:
        return report.document, "current draft"
    return draft_on_the_fly(template, period, now=now), "draft built now, not saved"


def draft_on_the_fly(template: ReportTemplate, period: Period, *, now: datetime) -> Document:
    """The draft the month's report would have if it were created now (nothing is saved)."""
    try:
        document = drafting.build_document(template, period, now=now)
    except ValidationError as exc:
        raise CommandError(" ".join(exc.messages)) from None
    narrated = {section.key for section in template.sections.all() if section.narrative}
    drafting.apply_narratives(document, [], narrated)
    return document


def write_atomically(path: str, content: bytes) -> None:
    """``content`` into ``path`` through a temporary file in the same directory."""
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise CommandError(f"-o {path}: the directory {directory} does not exist.")
    if os.path.isdir(path):
        raise CommandError(f"-o {path}: that is a directory; name a file.")
    try:
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=".report-", suffix=".part")
    except OSError as exc:
        raise CommandError(f"-o {path}: cannot write there ({exc.strerror}).") from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except OSError as exc:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise CommandError(f"-o {path}: cannot write there ({exc.strerror}).") from None


class Command(BaseCommand):
    help = "Monthly reports: build a month's report as a Word, PDF or Excel file."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        build = commands.add_parser(
            "build",
            help="Write a month's report (published version, else the draft) to a file.",
            description=(
                "The latest published version of the month's report (or --version N), else its "
                "current draft (--draft: the draft anyway); with no report yet, a draft built "
                "from the data. Example: opsbook report build --month 2026-11 --format docx "
                "-o 2026-11.docx"
            ),
        )
        build.add_argument("--month", required=True, help="the month, YYYY-MM (e.g. 2026-11)")
        build.add_argument("--template", help="the report template's code")
        build.add_argument("--customer", help="a customer's code: its customer report")
        build.add_argument("--format", required=True, choices=Format.values, dest="fmt")
        build.add_argument("-o", "--output", required=True, help="the file to write")
        which = build.add_mutually_exclusive_group()
        which.add_argument("--version", type=int, help="this published version")
        which.add_argument("--draft", action="store_true", help="the current draft")
        cut = commands.add_parser(
            "fonts",
            help="Cut the installed CJK fonts down for PDF reports (once per install).",
            description=(
                "Writes a GB 2312 cut of each installed CJK face to REPORT_FONT_DIR, so that a "
                "PDF report does not load the whole 20-27 MB font files. Faces already cut are "
                "skipped unless --force."
            ),
        )
        cut.add_argument("--force", action="store_true", help="cut every face again")
        cut.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="faces cut at once")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["command"] == "build":
            self.build(**options)
        elif options["command"] == "fonts":
            self.fonts(force=options.get("force", False), jobs=options.get("jobs") or 1)

    def fonts(self, *, force: bool, jobs: int) -> None:
        faces = font_cuts.installed_faces()
        if not faces:
            self.stdout.write("No CJK font is installed (fonts-noto-cjk): nothing to cut.")
            return
        todo = []
        for face in faces:
            if not force and font_cuts.is_current(face):
                self.stdout.write(f"{font_cuts.cut_path(face)}: up to date")
            else:
                todo.append(face)
        try:
            if jobs > 1 and len(todo) > 1:
                # Each cut takes half a minute of one core: in parallel on a fresh install.
                with ProcessPoolExecutor(max_workers=min(jobs, len(todo))) as pool:
                    paths = list(pool.map(font_cuts.build, todo))
            else:
                paths = [font_cuts.build(face) for face in todo]
        except OSError as exc:
            raise CommandError(
                f"{font_cuts.font_dir()}: cannot write there ({exc.strerror})."
            ) from None
        for face, path in zip(todo, paths, strict=True):
            self.stdout.write(f"{path}: {face.name} cut ({path.stat().st_size:,} bytes)")

    def build(self, **options: Any) -> None:
        period = parse_month(options["month"])
        if options.get("version") is not None and options["version"] < 1:
            raise CommandError("--version: a published version is numbered from 1.")
        template = pick_template(options.get("template"), options.get("customer"))
        document, which = pick_document(
            template,
            period,
            version=options.get("version"),
            draft=options.get("draft", False),
            now=clock.now(),
        )
        exported = export(document, options["fmt"])
        write_atomically(options["output"], exported.content)
        self.stdout.write(
            f"{options['output']}: {document.get('title') or template.name} ({which}, "
            f"{options['fmt']}, {len(exported.content):,} bytes)"
        )
