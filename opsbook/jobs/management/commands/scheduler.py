import logging

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from opsbook.core import clock
from opsbook.jobs.schedule import registry
from opsbook.jobs.scheduler import Outcome, Scheduler, StopFlag


def _positive_seconds(value: str) -> float:
    seconds = float(value)
    if not 1 <= seconds <= 3600:
        raise ValueError(value)
    return seconds


class Command(BaseCommand):
    help = (
        "Enqueue periodic jobs when they are due, each slot exactly once however many "
        "schedulers run on however many hosts. Runs until SIGTERM or Ctrl-C; --once makes one "
        "pass (for cron or tests), --list prints the schedules."
    )

    def add_arguments(self, parser):
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--once", action="store_true", help="make one pass and exit")
        mode.add_argument(
            "--list",
            action="store_true",
            dest="list_schedules",
            help="print the schedules and exit",
        )
        parser.add_argument(
            "--longest-sleep",
            type=_positive_seconds,
            default=60.0,
            metavar="SECONDS",
            help="wake up at least this often even when nothing is due (default 60)",
        )

    def handle(self, *args, once: bool, list_schedules: bool, longest_sleep: float, **options):
        level = {0: logging.WARNING, 1: logging.INFO}.get(options["verbosity"], logging.DEBUG)
        logging.getLogger("opsbook.jobs").setLevel(level)
        if list_schedules:
            self._list()
            return
        scheduler = Scheduler(registry)
        if once:
            self._once(scheduler)
            return
        stop = StopFlag()
        stop.install()
        try:
            scheduler.run_forever(stop, longest_sleep=longest_sleep)
        finally:
            stop.restore()

    def _once(self, scheduler: Scheduler) -> None:
        results = scheduler.run_pass()
        for result in results:
            self.stdout.write(str(result))
        failed = sum(result.outcome is Outcome.FAILED for result in results)
        if failed:
            raise CommandError(f"{failed} schedule(s) could not be enqueued", returncode=1)

    def _list(self) -> None:
        now = clock.now()
        for schedule in registry:
            due = timezone.localtime(schedule.spec.next_slot(now))
            line = f"{schedule.name}\t{schedule.spec}\tnext {due:%Y-%m-%d %H:%M:%S %Z}"
            if schedule.name != schedule.task.module_path:
                line += f"\ttask {schedule.task.module_path}"
            self.stdout.write(line)
