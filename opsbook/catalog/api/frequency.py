"""What a frequency phrase means."""

from opsbook.core.api import ValidationErrors, invalid

from ..frequency import FrequencyError, parse_frequency
from ..schemas import FrequencyOut
from .common import READ_ERRORS, router


@router.get(
    "/frequency",
    response={200: FrequencyOut, **READ_ERRORS, 422: ValidationErrors},
    operation_id="opsbook_catalog_api_parse_frequency_text",
)
def parse_frequency_text(request, text: str):
    """What a frequency phrase means (每周两次, 每月5日前, twice a week …), the same structure
    as ``opsbook frequency --json``."""
    try:
        return parse_frequency(text).as_dict()
    except FrequencyError as exc:
        raise invalid(["query", "text"], str(exc)) from None
