"""Promises and parts of the checklist in the reader's language: durations, service standards
("电话：响应≤5分钟，解决≤1天（工作时间）"), owners ("王芳（主负责）"), and the audit trail's
stored part labels (``services.part_label``) turned back into those words, for entries written
today and years ago alike. Reads nothing from the database.
"""

import re
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .choices import Channel, KpiDirection, Priority, ResourceKind, TimeBasis

# The audit trail's actor when nobody acted (a command, an import without a user, the demo).
SYSTEM_ACTOR = "system"


def duration_text(minutes: int) -> str:
    """Whole days, else whole hours, else minutes: "1天", "4小时", "90分钟"."""
    if minutes and minutes % 1440 == 0:
        days = minutes // 1440
        return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}
    if minutes and minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}


def basis_text(basis: str) -> str:
    if basis == TimeBasis.CALENDAR:
        return _("calendar time")
    return _("business hours")


def targets_text(response: int | None, resolution: int | None, basis: str) -> str:
    """ "响应≤5分钟，解决≤1天（工作时间）"; "" when neither target is set."""
    bits = []
    if response is not None:
        bits.append(_("response ≤ %(duration)s") % {"duration": duration_text(response)})
    if resolution is not None:
        bits.append(_("resolution ≤ %(duration)s") % {"duration": duration_text(resolution)})
    if not bits:
        return ""
    return _("%(targets)s (%(basis)s)") % {
        "targets": _(", ").join(bits),
        "basis": basis_text(basis),
    }


def _label(choices: Any, value: str) -> str:
    return str(choices(value).label) if value in choices.values else value


def standard_text(
    channel: str,
    priority: str,
    response: int | None,
    resolution: int | None,
    basis: str,
    calendar: str = "",
    description: str = "",
) -> str:
    """A service standard as people write it: "电话：响应≤5分钟，解决≤1天（工作时间）"."""
    who = _label(Channel, channel)
    if priority:
        who = _("%(channel)s (%(priority)s)") % {
            "channel": who,
            "priority": _label(Priority, priority),
        }
    text = _("%(channel)s: %(targets)s") % {
        "channel": who,
        "targets": targets_text(response, resolution, basis),
    }
    if calendar:
        text += _(" (calendar: %(name)s)") % {"name": calendar}
    if description:
        text += _(" — %(remark)s") % {"remark": description}
    return text


def owner_text(name: str, primary: bool) -> str:
    return _("%(name)s (primary owner)") % {"name": name} if primary else name


# --- the audit trail's stored labels (``services.part_label``) --------------------------------

_STANDARD = re.compile(
    r"^(?P<channel>[a-z]+)(?: (?P<priority>urgent|high|normal|low))?"
    r"(?: response<=(?P<response>\d+)m)?(?: resolution<=(?P<resolution>\d+)m)?"
    r" (?P<basis>business|calendar)(?: @(?P<calendar>\S+))?(?: (?P<description>.*))?$",
    re.DOTALL,
)
_KPI = re.compile(r"^(?P<name>.*) (?P<op>>=|<=) (?P<target>.*)$", re.DOTALL)
_CHECKPOINT = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2}) (?P<title>.*?)(?P<done> \(done\))?$")
_RESOURCE = re.compile(r"^(?P<kind>[a-z]+): (?P<description>.*)$", re.DOTALL)
_PRIMARY = " (primary)"


def _standard(stored: str) -> str | None:
    match = _STANDARD.match(stored)
    if match is None or match["channel"] not in Channel.values:
        return None
    response, resolution = match["response"], match["resolution"]
    return standard_text(
        match["channel"],
        match["priority"] or "",
        int(response) if response else None,
        int(resolution) if resolution else None,
        match["basis"],
        match["calendar"] or "",
        match["description"] or "",
    )


def _kpi(stored: str) -> str | None:
    match = _KPI.match(stored)
    if match is None:
        return None
    direction = KpiDirection.AT_LEAST if match["op"] == ">=" else KpiDirection.AT_MOST
    sign = "≥" if direction == KpiDirection.AT_LEAST else "≤"
    return f"{match['name']} {sign} {match['target']}"


def _checkpoint(stored: str) -> str | None:
    match = _CHECKPOINT.match(stored)
    if match is None:
        return None
    text = f"{match['date']} {match['title']}"
    return text + _(" (done)") if match["done"] else text


def _resource(stored: str) -> str | None:
    match = _RESOURCE.match(stored)
    if match is None or match["kind"] not in ResourceKind.values:
        return None
    return _("%(kind)s: %(description)s") % {
        "kind": _label(ResourceKind, match["kind"]),
        "description": match["description"],
    }


def _owner(stored: str) -> str | None:
    if stored.endswith(_PRIMARY):
        return owner_text(stored.removesuffix(_PRIMARY), True)
    return stored


READERS = {
    "standards": _standard,
    "kpis": _kpi,
    "checkpoints": _checkpoint,
    "resources": _resource,
    "owners": _owner,
}


def part_text(kind: str, stored: Any) -> str:
    """A part as the audit trail stored it (``kind`` is the part list's name, "standards"),
    in the reader's words; a label it cannot read is shown as stored."""
    text = str(stored)
    reader = READERS.get(kind)
    if reader is None:
        return text
    return reader(text) or text


def actor_text(actor_label: str) -> str:
    """The audit trail's actor: the person's name as it was, or "系统" for nobody."""
    if not actor_label or actor_label == SYSTEM_ACTOR:
        return _("System")
    return actor_label


SOURCES = {
    "web": lambda: _("on the web"),
    "api": lambda: _("through the API"),
    "import": lambda: _("by import"),
    "cli": lambda: _("from the command line"),
    "demo": lambda: _("demo data"),
}


def source_text(source: str) -> str:
    """Where a change came from, in words ("" for the web pages, the usual place)."""
    if source == "web":
        return ""
    words = SOURCES.get(source)
    return words() if words is not None else source
