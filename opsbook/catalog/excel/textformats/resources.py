"""Resources: a kind and what it is.

人员：3名客服；预算：5万元/年；工具：工单系统
"""

import re
from typing import NamedTuple

from django.utils.translation import gettext as _

from ...choices import ResourceKind
from ..columns import normalize
from .common import COLON, TextFormatError, join_entries, lookup, split_entries

RESOURCE_WORDS: dict[str, tuple[str, ...]] = {
    ResourceKind.PEOPLE: ("人员", "人力", "人手", "people", "staff"),
    ResourceKind.BUDGET: ("预算", "经费", "费用", "budget"),
    ResourceKind.TOOL: ("工具", "系统", "设备", "tool", "tools"),
    ResourceKind.OTHER: ("其他", "其它", "other"),
}
RESOURCE_LABELS: dict[str, str] = {value: ws[0] for value, ws in RESOURCE_WORDS.items()}
_RESOURCE_OF = lookup(RESOURCE_WORDS)
_RESOURCE = re.compile(rf"^(?P<kind>[^:：]+?)\s*{COLON}\s*(?P<description>.*)$", re.DOTALL)


class ResourceSpec(NamedTuple):
    kind: str
    description: str


def _parse_resource(entry: str) -> ResourceSpec:
    match = _RESOURCE.match(entry)
    if match and normalize(match["kind"]) in _RESOURCE_OF:
        kind, description = _RESOURCE_OF[normalize(match["kind"])], match["description"].strip()
    else:
        kind, description = ResourceKind.OTHER, entry.strip()
    if not description:
        raise TextFormatError(_("%(text)s: describe the resource.") % {"text": entry})
    if len(description) > 300:
        raise TextFormatError(
            _("%(text)s: a resource is at most 300 characters.") % {"text": entry}
        )
    return ResourceSpec(kind=kind, description=description)


def parse_resources(text: str) -> tuple[ResourceSpec, ...]:
    return tuple(_parse_resource(entry) for entry in split_entries(text))


def format_resource(spec: ResourceSpec) -> str:
    return f"{RESOURCE_LABELS[spec.kind]}：{spec.description}"


def format_resources(specs) -> str:
    return join_entries(format_resource(s) for s in specs)
