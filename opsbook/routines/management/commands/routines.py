import json

from django.core.management.base import BaseCommand

from opsbook.core import clock
from opsbook.routines.generation import generate
from opsbook.routines.jobs import escalate_overdue, mark_missed, remind_due


class Command(BaseCommand):
    help = (
        "Recurring service work: `routines generate` creates the occurrences of the next "
        "ROUTINES_HORIZON_DAYS days from the checklist and reschedules changed content "
        "(--dry-run: count, write nothing); `routines missed` marks occurrences whose period "
        "ended undone; `routines notify` sends due reminders and overdue escalations. The "
        "worker runs all three on schedule; these are for operators and scripts."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        gen = sub.add_parser("generate", help="create and reschedule occurrences over the horizon")
        gen.add_argument(
            "--dry-run", action="store_true", help="count what would change, write nothing"
        )
        gen.add_argument("--json", action="store_true", help="print the result as JSON")
        gen.add_argument(
            "--full",
            action="store_true",
            help="reconcile every content's whole horizon, not only what changed",
        )
        gen.add_argument(
            "--content",
            type=int,
            action="append",
            metavar="ID",
            help="only this content (repeatable)",
        )
        sub.add_parser("missed", help="mark open occurrences whose period has ended as missed")
        sub.add_parser("notify", help="send due reminders and overdue escalations")

    def handle(self, *args, action, **options):
        now = clock.now()
        if action == "generate":
            result = generate(
                now,
                contents=options["content"],
                dry_run=options["dry_run"],
                full=options["full"] or None,
            )
            if options["json"]:
                self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
                return
            prefix = "Would create" if options["dry_run"] else "Created"
            self.stdout.write(
                f"{prefix} {result.created}, updated {result.updated}, cancelled "
                f"{result.cancelled} occurrence(s) for {result.contents} content(s)."
            )
            for pk, why in sorted(result.unschedulable.items()):
                self.stderr.write(f"content {pk} not scheduled: {why}")
        elif action == "missed":
            self.stdout.write(f"Marked {mark_missed(now)} occurrence(s) missed.")
        else:
            reminded, escalated = remind_due(now), escalate_overdue(now)
            self.stdout.write(f"Reminded {reminded}, escalated {escalated} occurrence(s).")
