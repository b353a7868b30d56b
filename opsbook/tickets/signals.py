"""Signals the tickets app sends (see docs/developers/signals.md)."""

from django.dispatch import Signal

# Sent after the transaction commits when a manager changed the organisation's default SLA
# targets. No keyword arguments. ``receivers`` enqueues the recomputation of the open tickets
# that no service standard measures (the services must not import the jobs that call them).
default_targets_changed = Signal()
