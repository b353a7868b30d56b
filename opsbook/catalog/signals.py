"""Signals the checklist sends for other apps to react to (see docs/developers/signals.md)."""

from django.dispatch import Signal

# Sent after the transaction commits when an item's service standards were replaced.
# Keyword arguments: item_id. The tickets app recomputes the SLA clocks of the item's open
# tickets.
standards_changed = Signal()

# Sent after the transaction commits, once per committed transaction, with the ids of the
# service content whose scheduling may have changed: its frequency, dates, status, calendar,
# due shift, effort or owners, or its item's status or owners (content without owners of its
# own follows its item's). Keyword arguments: content_ids (frozenset of int). Queued through
# ``opsbook.catalog.changes.announce_contents``. The routines app reschedules the content's
# future open occurrences.
contents_changed = Signal()
