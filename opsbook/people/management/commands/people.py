"""`opsbook people import|export`: the roster (teams, staff, customers, contacts) as Excel.

    opsbook people import 花名册.xlsx [--dry-run] [--json] [--user USERNAME]
    opsbook people export 花名册.xlsx

`import` exits 0 with a summary, or 1 listing every problem (nothing is written then). New
accounts with an e-mail are sent a one-time link to set their password; no password is ever
read from or written to a file.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from opsbook.accounts.access import can_manage_people
from opsbook.accounts.models import User
from opsbook.people.excel.columns import KIND_NAMES
from opsbook.people.excel.exporter import export_people
from opsbook.people.excel.importer import import_people


class Command(BaseCommand):
    help = "Import or export the roster: teams, staff, customer organisations and contacts."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("import", help="import an .xlsx or .csv roster")
        load.add_argument("file", help="the .xlsx or .csv file")
        load.add_argument("--dry-run", action="store_true", help="check only; write nothing")
        load.add_argument("--json", action="store_true", help="print the report as JSON")
        load.add_argument(
            "--user", help="username recorded in the audit trail (a manager or administrator)"
        )
        dump = sub.add_parser("export", help="write the whole roster to an .xlsx file")
        dump.add_argument("file", help="the .xlsx file to write")

    def handle(self, *args, action, file, **options):
        if action == "import":
            self._import(Path(file), options)
        else:
            self._write(Path(file), export_people())

    def _import(self, path: Path, options) -> None:
        actor = None
        if options["user"]:
            actor = User.objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(_("No user named %(name)s.") % {"name": options["user"]})
            if not can_manage_people(actor):
                raise CommandError(
                    _("%(name)s may not import the roster: managers and administrators may.")
                    % {"name": options["user"]}
                )
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(reason)s") % {"file": path, "reason": exc.strerror}
            ) from None
        report = import_people(data, path.name, actor=actor, dry_run=options["dry_run"])
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, default=str))
        elif report.ok:
            self.stdout.write(
                _("Dry run: nothing was written.") if report.dry_run else _("Imported.")
            )
            for kind, counts in report.summary.items():
                self.stdout.write(
                    _(
                        "%(level)s: %(created)d created, %(updated)d updated, "
                        "%(unchanged)d unchanged"
                    )
                    % {"level": KIND_NAMES[kind], **counts}
                )
            if report.invited:
                self.stdout.write(
                    _("%(count)d invitation(s) to set a password were sent.")
                    % {"count": report.invited}
                )
        else:
            for problem in report.problems:
                self.stdout.write(str(problem))
        if not report.ok:
            raise CommandError(
                _("%(count)d problem(s): nothing was written.") % {"count": len(report.problems)},
                returncode=1,
            )

    def _write(self, path: Path, data: bytes) -> None:
        try:
            path.write_bytes(data)
        except OSError as exc:
            raise CommandError(
                _("Cannot write %(file)s: %(reason)s") % {"file": path, "reason": exc.strerror}
            ) from None
        self.stdout.write(_("Wrote %(file)s.") % {"file": path})
