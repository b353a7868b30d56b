"""`opsbook catalog import|export|template`: the service checklist as Excel from the shell.

    opsbook catalog import 清单.xlsx [--dry-run] [--json] [--user USERNAME]
                                 [--create-owners] [--map-owner NAME=LOGIN ...]
    opsbook catalog export 清单.xlsx
    opsbook catalog template 模板.xlsx

`import` exits 0 with a summary, or 1 listing every problem (nothing is written then). Owner
names no user or team has are problems unless ``--map-owner 王工=wanggong`` names the staff member
(a username) or team they mean, or ``--create-owners`` creates a staff member (name only, to be
invited later) for each of the others.
"""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from opsbook.accounts.access import can_create_staff, can_manage_catalog
from opsbook.accounts.models import User
from opsbook.catalog.excel.exporter import export_catalog, write_template
from opsbook.catalog.excel.importer import import_catalog
from opsbook.catalog.excel.owners import OwnerChoices


class Command(BaseCommand):
    help = "Import or export the service checklist as Excel, or write an empty template."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("import", help="import an .xlsx or .csv checklist")
        load.add_argument("file", help="the .xlsx or .csv file")
        load.add_argument("--dry-run", action="store_true", help="check only; write nothing")
        load.add_argument("--json", action="store_true", help="print the report as JSON")
        load.add_argument(
            "--user", help="username recorded in the audit trail (a manager or administrator)"
        )
        load.add_argument(
            "--create-owners",
            action="store_true",
            help="create a staff member (name only, invited later) for each owner name no user "
            "or team has, unless --map-owner names it",
        )
        load.add_argument(
            "--map-owner",
            action="append",
            default=[],
            metavar="NAME=LOGIN",
            help="an owner name in the file means this staff member (username) or team; "
            "repeat for more names",
        )
        dump = sub.add_parser("export", help="write the whole checklist to an .xlsx file")
        dump.add_argument("file", help="the .xlsx file to write")
        blank = sub.add_parser("template", help="write an empty checklist template")
        blank.add_argument("file", help="the .xlsx file to write")

    def handle(self, *args, action, file, **options):
        if action == "import":
            self._import(Path(file), options)
        elif action == "export":
            self._write(Path(file), export_catalog())
        else:
            self._write(Path(file), write_template())

    def _import(self, path: Path, options) -> None:
        actor = None
        if options["user"]:
            actor = User.objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(_("No user named %(name)s.") % {"name": options["user"]})
            if not can_manage_catalog(actor):
                raise CommandError(
                    _("%(name)s may not import the checklist: managers and administrators may.")
                    % {"name": options["user"]}
                )
        try:
            owners = OwnerChoices.from_logins(
                options["map_owner"], create_all=options["create_owners"]
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        if owners.creates and actor is not None and not can_create_staff(actor):
            raise CommandError(
                _("%(name)s may not add staff members: managers and administrators may.")
                % {"name": options["user"]}
            )
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(reason)s") % {"file": path, "reason": exc.strerror}
            ) from None
        report = import_catalog(
            data, path.name, actor=actor, dry_run=options["dry_run"], owners=owners
        )
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, default=str))
        elif report.ok:
            self.stdout.write(
                _("Dry run: nothing was written.") if report.dry_run else _("Imported.")
            )
            names = {
                "categories": _("categories"),
                "items": _("service items"),
                "contents": _("service content"),
            }
            for level, counts in report.summary.items():
                self.stdout.write(
                    _(
                        "%(level)s: %(created)d created, %(updated)d updated, "
                        "%(unchanged)d unchanged"
                    )
                    % {"level": names[level], **counts}
                )
            readings = report.readings
            if any(n for counts in readings.values() for n in counts.values()):
                self.stdout.write(
                    _(
                        "Standards: %(s)d read, %(st)d text only; KPIs: %(k)d with a target, "
                        "%(kt)d qualitative"
                    )
                    % {
                        "s": readings["standards"]["structured"],
                        "st": readings["standards"]["text"],
                        "k": readings["kpis"]["structured"],
                        "kt": readings["kpis"]["text"],
                    }
                )
            for notice in report.notices:
                self.stdout.write(str(notice))
            for owner in report.created_owners:
                self.stdout.write(
                    _("New staff member %(name)s (username %(username)s): invite them to sign in.")
                    % owner
                )
            if report.dry_run:
                for owner in report.owner_names:
                    if owner["choice"] == "create":
                        self.stdout.write(
                            _("Would create the staff member %(name)s.") % {"name": owner["name"]}
                        )
        else:
            for problem in report.problems:
                self.stdout.write(str(problem))
            if report.unknown_owners:
                self.stdout.write(
                    _(
                        "Owners who are not users yet: %(names)s. Name the user or team each "
                        "means with --map-owner NAME=LOGIN, or create them with --create-owners."
                    )
                    % {"names": "、".join(report.unknown_owners)}
                )
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
