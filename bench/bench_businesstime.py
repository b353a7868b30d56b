"""How fast business time is counted on the default China calendar (lunch breaks, holidays,
make-up workdays), compiled straight from chinesecalendar's data: no database.

Run with `python -m bench.bench_businesstime` (or `make bench`). Prints two JSON objects:

* business_seconds_1m: 1,000,000 random (start, end) pairs of aware UTC datetimes over
  2025–2026 through `business_seconds`, against a numpy lower bound that runs the same
  arithmetic vectorised (window boundaries with prefix sums and `np.searchsorted`) on
  precomputed integer timestamps. Both must give identical totals. The aim: 200,000 pairs/s.
* add_business_seconds_100k: 100,000 due times (random start, up to 20 working days).
"""

import json
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta

import numpy as np

from opsbook.calendars.businesstime import (
    MIDNIGHT,
    CompiledCalendar,
    add_business_seconds,
    business_seconds,
)
from opsbook.calendars.seeding import china_compiled_calendar

PAIRS = 1_000_000
ADDS = 100_000
FIRST_DAY, STOP_DAY = date(2025, 1, 1), date(2027, 1, 1)
SEED = 20260101


def boundaries(cal: CompiledCalendar) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Window starts, ends and business seconds before each start, built from the calendar's
    per-day windows independently of its own timeline."""
    starts, ends = [], []
    day = FIRST_DAY
    while day < STOP_DAY:
        for s, e in cal.windows_on(day):
            end_day = day + timedelta(days=1) if e == MIDNIGHT else day
            starts.append(int(datetime.combine(day, s, cal.tz).timestamp()))
            ends.append(int(datetime.combine(end_day, e, cal.tz).timestamp()))
        day += timedelta(days=1)
    s, e = np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64)
    before = np.concatenate(([0], np.cumsum(e - s)[:-1]))
    return s, e, before


def numpy_business_seconds(bounds, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    starts, ends, before = bounds

    def elapsed(t: np.ndarray) -> np.ndarray:
        i = np.searchsorted(starts, t, side="right") - 1
        j = np.maximum(i, 0)
        inside = np.minimum(t, ends[j]) - starts[j]
        return np.where(i < 0, 0, before[j] + inside)

    return np.maximum(elapsed(b) - elapsed(a), 0)


def main() -> int:
    cal = china_compiled_calendar()
    rnd = random.Random(SEED)
    lo = int(datetime.combine(FIRST_DAY, MIDNIGHT, cal.tz).timestamp())
    hi = int(datetime.combine(STOP_DAY, MIDNIGHT, cal.tz).timestamp())
    raw = [sorted((rnd.randrange(lo, hi), rnd.randrange(lo, hi))) for _ in range(PAIRS)]
    pairs = [(datetime.fromtimestamp(a, UTC), datetime.fromtimestamp(b, UTC)) for a, b in raw]

    business_seconds(cal, *pairs[0])  # builds the timeline once, as the first request would
    started = time.perf_counter()
    total = 0
    for start, end in pairs:
        total += business_seconds(cal, start, end)
    python_s = time.perf_counter() - started

    a = np.array([p[0] for p in raw], dtype=np.int64)
    b = np.array([p[1] for p in raw], dtype=np.int64)
    bounds = boundaries(cal)
    numpy_business_seconds(bounds, a[:1000], b[:1000])
    started = time.perf_counter()
    vectorised = numpy_business_seconds(bounds, a, b)
    numpy_s = time.perf_counter() - started
    if int(vectorised.sum()) != total:
        print(f"totals differ: python {total}, numpy {int(vectorised.sum())}", file=sys.stderr)
        return 1

    pairs_per_s, numpy_pairs_per_s = PAIRS / python_s, PAIRS / numpy_s
    print(
        json.dumps(
            {
                "bench": "business_seconds_1m",
                "pairs": PAIRS,
                "pairs_per_s": round(pairs_per_s),
                "numpy_pairs_per_s": round(numpy_pairs_per_s),
                "ratio": round(numpy_pairs_per_s / pairs_per_s, 1),
                "totals_match": True,
            }
        ),
        flush=True,
    )

    starts = [pairs[n][0] for n in range(ADDS)]
    amounts = [rnd.randrange(0, 20 * 27_000) for _ in range(ADDS)]
    started = time.perf_counter()
    dues = [add_business_seconds(cal, s, n) for s, n in zip(starts, amounts, strict=True)]
    add_s = time.perf_counter() - started
    if any(business_seconds(cal, s, d) != n for s, d, n in zip(starts, dues, amounts, strict=True)):
        print("add_business_seconds is not the inverse of business_seconds", file=sys.stderr)
        return 1
    print(
        json.dumps(
            {
                "bench": "add_business_seconds_100k",
                "adds": ADDS,
                "adds_per_s": round(ADDS / add_s),
            }
        ),
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
