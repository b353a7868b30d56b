"""`opsbook tickets import`: historical tickets from Excel or CSV; `opsbook tickets
recompute-sla`: the stored SLA clocks of every open ticket rebuilt now (after an upgrade that
changes how tickets are measured, such as the default targets).

    opsbook tickets import 工单.xlsx [--status-file 状态变更.csv] [--dry-run] [--json]
    opsbook tickets recompute-sla

Exits 0 with a summary, or 1 listing every problem (nothing is written then).
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from opsbook.tickets.excel.importer import import_tickets
from opsbook.tickets.sla_store import recompute_open_tickets


class Command(BaseCommand):
    help = (
        "Tickets from the shell: `tickets import FILE` loads historical tickets from an .xlsx "
        "or .csv (with their status changes from a 状态变更 sheet or --status-file)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("import", help="import historical tickets from .xlsx or .csv")
        load.add_argument("file", help="the .xlsx or .csv file of tickets")
        load.add_argument(
            "--status-file",
            help="an .xlsx or .csv of status changes (external id, time, new status)",
        )
        load.add_argument("--dry-run", action="store_true", help="check only; write nothing")
        load.add_argument("--json", action="store_true", help="print the report as JSON")
        sub.add_parser(
            "recompute-sla", help="rebuild the SLA clocks of every open ticket from its history"
        )

    def handle(self, *args, action, **options):
        if action == "import":
            self._import(options)
        elif action == "recompute-sla":
            count = recompute_open_tickets()
            self.stdout.write(_("%(count)d open tickets recomputed.") % {"count": count})

    def _import(self, options) -> None:
        path = Path(options["file"])
        data = _read(path)
        status_data, status_name = None, ""
        if options["status_file"]:
            status_path = Path(options["status_file"])
            status_data, status_name = _read(status_path), status_path.name
        report = import_tickets(
            data,
            path.name,
            status_data=status_data,
            status_filename=status_name,
            dry_run=options["dry_run"],
        )
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, default=str))
        elif report.ok:
            self.stdout.write(
                _("Dry run: nothing was written.") if report.dry_run else _("Imported.")
            )
            self.stdout.write(
                _(
                    "tickets: %(created)d created, %(updated)d updated, %(unchanged)d unchanged, "
                    "%(kept)d kept (worked on in Opsbook since an earlier import)"
                )
                % report.summary["tickets"]
            )
            self.stdout.write(
                _("status changes: %(count)d rows read; timeline events written: %(events)d")
                % {
                    "count": report.summary["status_changes"],
                    "events": report.summary["events"],
                }
            )
            for warning in report.warnings:
                self.stdout.write(_("Note: %(warning)s") % {"warning": warning})
        else:
            for problem in report.problems:
                self.stdout.write(str(problem))
        if not report.ok:
            raise CommandError(
                _("%(count)d problem(s): nothing was written.") % {"count": len(report.problems)},
                returncode=1,
            )


def _read(path: Path) -> bytes:
    """The file, or its first bytes past the size limit (the import then refuses it)."""
    try:
        with path.open("rb") as stream:
            return stream.read(settings.TICKET_IMPORT_MAX_BYTES + 1)
    except OSError as exc:
        raise CommandError(
            _("Cannot read %(file)s: %(reason)s") % {"file": path, "reason": exc.strerror}
        ) from None
