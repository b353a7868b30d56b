from django.contrib import admin

from .models import ScheduleClaim, WorkerHeartbeat


@admin.register(ScheduleClaim)
class ScheduleClaimAdmin(admin.ModelAdmin):
    """Read-only: which scheduler enqueued which slot of which schedule, and the task result."""

    list_display = ("schedule", "slot", "claimed_at", "claimed_by", "task_result_id")
    list_filter = ("schedule",)
    search_fields = ("schedule", "claimed_by", "task_result_id")
    date_hierarchy = "slot"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    """Read-only: every `opsbook worker` process, its host and pid, and when it last beat. A
    worker silent for WORKER_LEASE_SECONDS is dead; the reaper takes back its tasks."""

    list_display = ("worker_id", "hostname", "pid", "started_at", "beat_at", "stopped_at")
    search_fields = ("worker_id", "hostname")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
