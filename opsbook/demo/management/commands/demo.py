from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from opsbook.accounts.demo import PASSWORD
from opsbook.catalog.models import ServiceItem
from opsbook.demo.loader import load_demo


class Command(BaseCommand):
    help = (
        "Load the demo service checklist of an online-education operations team. Safe to run "
        "again: only what is missing is created."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing when the checklist already has a service item",
        )
        parser.add_argument(
            "--no-snapshots",
            action="store_true",
            help="skip the past months' metric snapshots (the scheduler takes new ones)",
        )

    def handle(
        self, *args: Any, if_empty: bool, no_snapshots: bool, verbosity: int, **options: Any
    ) -> None:
        if if_empty and ServiceItem.objects.exists():
            return
        summary = load_demo(snapshots=not no_snapshots)
        if verbosity >= 1 and summary.created_anything:
            self.stdout.write(
                f"Demo data loaded: {summary.items} service items, {summary.contents} content, "
                f"{summary.tickets} tickets, {summary.occurrences} occurrences of routine work, "
                f"{summary.users} users (password {PASSWORD})."
            )
