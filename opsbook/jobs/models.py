from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .schedule import NAME_MAX_LENGTH


class ScheduleClaimQuerySet(models.QuerySet):
    def superseded_before(self, cutoff):
        """Claims older than ``cutoff`` that are not their schedule's latest: the latest one is
        what tells a scheduler its current slot has already run, so it is always kept."""
        newer = ScheduleClaim.objects.filter(
            schedule=models.OuterRef("schedule"), slot__gt=models.OuterRef("slot")
        )
        return self.filter(slot__lt=cutoff).filter(models.Exists(newer))


class ScheduleClaim(models.Model):
    """One schedule's slot, taken by one scheduler. The unique (schedule, slot) pair is the whole
    mechanism: whichever scheduler inserts the row enqueues the task, in the same transaction;
    every other scheduler's insert finds the row and does nothing."""

    schedule = models.CharField(_("schedule"), max_length=NAME_MAX_LENGTH)
    slot = models.DateTimeField(_("slot"))
    claimed_at = models.DateTimeField(_("claimed at"), default=timezone.now)
    claimed_by = models.CharField(_("claimed by"), max_length=200)
    task_result_id = models.CharField(_("task result"), max_length=64, blank=True)

    objects = ScheduleClaimQuerySet.as_manager()

    class Meta:
        ordering = ["-slot", "schedule"]
        verbose_name = _("schedule claim")
        verbose_name_plural = _("schedule claims")
        constraints = [
            models.UniqueConstraint(fields=["schedule", "slot"], name="jobs_one_claim_per_slot")
        ]

    def __str__(self):
        return f"{self.schedule} @ {self.slot:%Y-%m-%d %H:%M:%S}"


class WorkerHeartbeat(models.Model):
    """One worker process (``opsbook worker``), alive while ``beat_at`` keeps moving.

    A thread of the worker moves ``beat_at`` every ``WORKER_HEARTBEAT_SECONDS``, whatever its
    task is doing, so a long task on a live worker keeps its lease; a worker killed with SIGKILL
    or on a host that vanished stops beating, and after ``WORKER_LEASE_SECONDS`` the reaper takes
    back the tasks it was running. ``started_at`` tells incarnations apart when a restarted
    worker reuses its id: a task claimed before it is not this process's."""

    worker_id = models.CharField(_("worker id"), max_length=64, unique=True)
    hostname = models.CharField(_("host"), max_length=255)
    pid = models.PositiveIntegerField(_("process id"))
    started_at = models.DateTimeField(_("started at"))
    beat_at = models.DateTimeField(_("last heartbeat"))
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True)

    class Meta:
        ordering = ["-beat_at"]
        verbose_name = _("worker")
        verbose_name_plural = _("workers")

    def __str__(self):
        return f"{self.worker_id} ({self.hostname}, pid {self.pid})"
