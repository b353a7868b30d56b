"""Signals the checklist sends for other apps to react to (see docs/developers/signals.md)."""

from django.dispatch import Signal

# Sent after the transaction commits when an item's service standards were replaced.
# Keyword arguments: item_id. The tickets app recomputes the SLA clocks of the item's open
# tickets.
standards_changed = Signal()
