"""Writes to tickets. Each ``do_*`` function is one transaction that checks the caller's
permission itself (``access.py``), locks the ticket and checks its version (optimistic
locking), records timeline events, recomputes the SLA clocks from the status history and stores
them (``sla_store``), and sends notifications only after the transaction commits.

Callers use this package's names (``services.do_reply(...)``); the writes live by area:

* ``tickets``   opening, changing, handing over and watching tickets;
* ``status``    the status machine (``do_change_status`` and its verbs, ``system_close``);
* ``comments``  replies, internal notes and files;
* ``feedback``  follow-up visits, the customer's rating, corrections of a closed complaint;
* ``defaults``  the organisation's default SLA targets per ticket type and priority;
* ``common``    what they are built from (permission, lock, version, event, stored file).

Which policy measures a ticket is ``sla_policy``; its clocks as columns are ``sla_store``.
"""

from .comments import do_add_attachments, do_add_note, do_reply
from .defaults import Targets, do_update_default_targets
from .feedback import (
    do_add_follow_up,
    do_correct_follow_up,
    do_correct_root_cause,
    do_rate_ticket,
    satisfaction_request_for_token,
)
from .status import (
    acknowledge,
    cancel,
    close,
    do_change_status,
    reopen,
    resolve,
    resume,
    start,
    system_close,
    wait_on_customer,
)
from .tickets import (
    EDITABLE_FIELDS,
    do_assign_ticket,
    do_create_ticket,
    do_set_watchers,
    do_update_ticket,
)

__all__ = [
    "EDITABLE_FIELDS",
    "ConflictError",
    "Targets",
    "acknowledge",
    "cancel",
    "close",
    "do_add_attachments",
    "do_add_follow_up",
    "do_add_note",
    "do_assign_ticket",
    "do_change_status",
    "do_correct_follow_up",
    "do_correct_root_cause",
    "do_create_ticket",
    "do_rate_ticket",
    "do_reply",
    "do_set_watchers",
    "do_update_default_targets",
    "do_update_ticket",
    "reopen",
    "resolve",
    "resume",
    "satisfaction_request_for_token",
    "start",
    "system_close",
    "wait_on_customer",
]
