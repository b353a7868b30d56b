"""What a service standard states, written once for the model (``ServiceStandard``) and for the
spreadsheet's reading of a cell (``textformats.StandardSpec``): both have the same fields."""

from typing import Any

# The fields that give a standard structure beyond its sentence.
STRUCTURE_FIELDS = (
    "response_minutes",
    "resolution_minutes",
    "followup_minutes",
    "lead_days",
    "due_day",
    "min_staff",
)


def has_structure(standard: Any) -> bool:
    """Something was read from (or added to) the sentence: a target, deadline or staffing."""
    return any(getattr(standard, field) is not None for field in STRUCTURE_FIELDS)


def sets_sla(standard: Any) -> bool:
    """Only a standard with a channel and a response or resolution target measures tickets."""
    return bool(standard.channel) and (
        standard.response_minutes is not None or standard.resolution_minutes is not None
    )
