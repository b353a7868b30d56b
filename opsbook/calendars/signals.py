"""Signals the calendars app sends. Listed in docs/developers/signals.md.

``calendar_changed`` is sent after a transaction that changed a calendar commits: its weekly
windows, an exception, a covered year, its time zone or another field. Receivers (the tickets
app) recompute what was computed from the older version, such as due times. It is sent once per
calendar per committed transaction, however many changes the transaction made, with the version
the calendar has after it; never for a transaction that rolled back, nor for a new calendar
(nothing can have been computed from it yet).

Keyword arguments: ``calendar_id`` (int) and ``version`` (int). ``sender`` is ``Calendar``.
"""

import django.dispatch

calendar_changed = django.dispatch.Signal()
