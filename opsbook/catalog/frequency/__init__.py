"""How often a service runs, parsed from what people write (每周两次, 每月5日前, twice a week …).

``parse_frequency(text)`` reads a Chinese or English phrase and returns one ``Frequency``.
``make_frequency(...)`` builds and validates a ``Frequency`` from its parts; the parser ends in
it, so every value has the same normalised form, and its ``label_zh`` and ``label_en`` parse back
to the same value. The accepted phrases and the meaning of each field are in
docs/users/frequency.md. This package only reads phrases: which dates are working days is the
business calendar's job (``opsbook.calendars``), not this one's.

The modules, each with one job:

* ``model``: the ``Frequency`` value, ``FrequencyError`` and the vocabulary (periods, limits);
* ``build``: ``make_frequency``, validation and normalisation;
* ``zh`` and ``en``: reading Chinese and English phrases; ``parse``: ``parse_frequency``;
* ``rrule``: the RFC 5545 rule; ``labels``: the Chinese and English labels.

Which dates a frequency falls on (an occurrence generator, for recurring work) belongs in an
``occurrences`` module beside these, reading a ``Frequency`` and a business calendar.

Import from the package (``from opsbook.catalog.frequency import parse_frequency``): the names
below are its public API; the modules are its inside.
"""

from .build import make_frequency
from .model import (
    DAY,
    EXAMPLES_EN,
    EXAMPLES_ZH,
    FIRST_MONTHS,
    HALF_YEAR,
    ICAL_DAYS,
    LAST,
    MAX_INTERVAL,
    MAX_PER_DAY,
    MAX_PHRASE,
    MAX_WORKING_DAY,
    MONTH,
    MONTHS_IN,
    ON_DEMAND,
    PERIOD_DAYS,
    QUARTER,
    RECURRING,
    WEEK,
    WORKING_WEEK,
    YEAR,
    Frequency,
    FrequencyError,
)
from .parse import parse_frequency

__all__ = [
    "DAY",
    "EXAMPLES_EN",
    "EXAMPLES_ZH",
    "FIRST_MONTHS",
    "HALF_YEAR",
    "ICAL_DAYS",
    "LAST",
    "MAX_INTERVAL",
    "MAX_PER_DAY",
    "MAX_PHRASE",
    "MAX_WORKING_DAY",
    "MONTH",
    "MONTHS_IN",
    "ON_DEMAND",
    "PERIOD_DAYS",
    "QUARTER",
    "RECURRING",
    "WEEK",
    "WORKING_WEEK",
    "YEAR",
    "Frequency",
    "FrequencyError",
    "make_frequency",
    "parse_frequency",
]
