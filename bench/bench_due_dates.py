"""How fast the routines' date rules are: one year of due dates for 10,000 service contents of
mixed frequencies on the China calendar (holidays and make-up workdays), compiled straight from
chinesecalendar's data, as ``working_days`` would read it from the database.

Run with `python -m bench.bench_due_dates` (or `make bench`). Prints one JSON object,
``due_dates_10k_year``: the seconds to build the ``WorkingDays`` once, the seconds for
``due_dates`` over the 10,000 frequencies (each read back from its stored JSON, as the generator
reads ``ChecklistEntry.frequency``, with a random start date as anchor and a random shift), the
number of occurrences and occurrences per second. The aim: well under a few seconds.
"""

import json
import os
import random
import sys
import time
from datetime import date, timedelta

CONTENTS = 10_000
FIRST, LAST = date(2026, 1, 1), date(2026, 12, 31)
# Roughly what a service checklist holds: many weekly and monthly lines, some daily ones.
PHRASES = (
    ("每日", 3), ("工作日每天", 6), ("工作日每天两次", 1), ("每周", 10), ("每周两次", 10),
    ("每周一、三、五", 5), ("每周三前", 3), ("每两周", 6), ("每两周的周一", 2), ("每月", 10),
    ("每月两次", 5), ("每月5日前", 8), ("每月1日和15日", 4), ("每月最后一个工作日", 5),
    ("每月前3个工作日内", 2), ("每两个月", 2), ("每季度", 6), ("每季度前15天", 2),
    ("每季度第一个月", 1), ("每半年", 3), ("每年", 4), ("每年3月", 1), ("每三天", 1),
)  # fmt: skip
SEED = 20261001


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opsbook.settings")
    import django

    django.setup()
    from opsbook.calendars.seeding import china_compiled_calendar
    from opsbook.catalog.frequency import parse_frequency
    from opsbook.routines.dates import Shift, WorkingDays, due_dates, frequency_from_dict

    rnd = random.Random(SEED)
    stored = {phrase: parse_frequency(phrase).as_dict() for phrase, _weight in PHRASES}
    phrases = rnd.choices([p for p, _ in PHRASES], weights=[w for _, w in PHRASES], k=CONTENTS)
    contents = [
        (
            stored[phrase],
            FIRST - timedelta(days=rnd.randrange(0, 3 * 365)),
            rnd.choice((Shift.PREVIOUS, Shift.PREVIOUS, Shift.PREVIOUS, Shift.NEXT, Shift.KEEP)),
        )
        for phrase in phrases
    ]
    compiled = china_compiled_calendar()

    started = time.perf_counter()
    days = WorkingDays(compiled, FIRST, LAST)
    build_s = time.perf_counter() - started

    started = time.perf_counter()
    total = 0
    for data, anchor, shift in contents:
        total += len(
            due_dates(frequency_from_dict(data), days, FIRST, LAST, shift=shift, anchor=anchor)
        )
    run_s = time.perf_counter() - started
    if total < CONTENTS * 12:
        print(f"too few occurrences: {total}", file=sys.stderr)
        return 1
    print(
        json.dumps(
            {
                "bench": "due_dates_10k_year",
                "contents": CONTENTS,
                "occurrences": total,
                "working_days_build_s": round(build_s, 4),
                "due_dates_s": round(run_s, 3),
                "occurrences_per_s": round(total / run_s),
            }
        ),
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
