"""Peak memory of reading a large legal checklist: an 18 MB workbook within every limit.

Run with `python -m bench.bench_large_workbook` (or `make bench`). The workbook (50,000 rows,
the import's row limit, and long descriptions, so ~18 MB: under the 20 MB upload limit and the
200 MB unzipped limit) is written by one child process; each measurement runs in a fresh child
that sets Django up, notes its resident memory, then does one thing and reports its peak
resident memory (ru_maxrss):

* ``read``: the file checks and reading the sheet (``read_table``), what every import does first;
* ``dry_run``: a whole import preview (``import_catalog(dry_run=True)``), into an empty catalog.

Prints one JSON object; ``*_growth_mb`` is the peak over the baseline after start-up.
"""

import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROWS = 50_000
ITEMS = 2_500
WORDS = ("咨询", "答复", "记录", "跟进", "回访", "整理", "汇总", "培训", "检查", "维护", "核对",
         "通知", "安排", "评估", "更新", "学员", "教师", "课程")  # fmt: skip


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_workbook(path: Path) -> None:
    import xlsxwriter

    from opsbook.catalog.excel.columns import CATEGORY_COLUMNS, ITEM_COLUMNS, ROW_COLUMNS

    rnd = random.Random(20261205)
    columns = [*CATEGORY_COLUMNS[:2], *ITEM_COLUMNS, *ROW_COLUMNS]
    position = {c.key: i for i, c in enumerate(columns)}
    book = xlsxwriter.Workbook(
        str(path),
        {"strings_to_formulas": False, "strings_to_urls": False},
    )
    sheet = book.add_worksheet("服务清单")
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    for index, column in enumerate(columns):
        sheet.write_string(0, index, column.zh)
    per_item = ROWS // ITEMS
    row = 0
    for n in range(ITEMS):
        top = ("客户服务", "教务服务", "技术支持", "财务服务", "后勤保障", "市场运营")[n % 6]
        item = {
            "category1": top,
            "category2": f"{top[:2]}{n % 5 + 1}组",
            "item_name": f"{top}项目{n + 1:04d}",
            "item_description": "".join(rnd.choices(WORDS, k=30)),
            "tier": rnd.choice(("基础", "高级", "定制")),
            "item_owners": f"agent{n % 24:02d}",
            "item_status": "启用",
        }
        start = date(2026, 1, 1) + timedelta(days=rnd.randrange(90))
        for c in range(per_item):
            row += 1
            values = {
                **item,
                "content_name": f"{''.join(rnd.choices(WORDS, k=3))}{c + 1:02d}",
                # Long, unique sentences: what makes a real checklist large.
                "content_description": "".join(rnd.choices(WORDS, k=240)),
                "frequency": rnd.choice(("每日", "每周一", "每月", "每季度", "按需")),
                "owners": f"agent{rnd.randrange(24):02d}",
                "standards": "电话：响应≤5分钟，解决≤4小时（工作时间）",
                "kpis": f"学员满意度≥{rnd.randint(85, 99)}%",
                "start_date": start,
                "end_date": date(2026, 12, 31),
                "notes": "".join(rnd.choices(WORDS, k=76)),
                "status": "启用",
            }
            for key, value in values.items():
                if isinstance(value, date):
                    sheet.write_datetime(row, position[key], value, dates)
                else:
                    sheet.write_string(row, position[key], value)
    book.close()


def measure(what: str, path: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opsbook.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from opsbook.catalog.excel.columns import sheet_rules
    from opsbook.core.tabular.reading import read_table

    actor = None
    if what == "dry_run":
        from opsbook.accounts.models import User
        from opsbook.catalog.excel.importer import import_catalog

        call_command("migrate", verbosity=0)
        for n in range(24):
            User.objects.create(username=f"agent{n:02d}", display_name=f"客服{n:02d}")
        actor = User.objects.create(username="importer", role="manager")
    data = path.read_bytes()
    baseline = rss_mb()
    started = time.perf_counter()
    if what == "read":
        rows = len(read_table(data, path.name, sheet_rules()).rows)
    else:
        report = import_catalog(data, path.name, actor=actor, dry_run=True)
        if not report.ok:
            sys.exit("\n".join(str(p) for p in report.problems[:10]))
        rows = report.summary["contents"]["created"]
    print(
        json.dumps(
            {
                "baseline_mb": round(baseline, 1),
                "peak_mb": round(rss_mb(), 1),
                "seconds": round(time.perf_counter() - started, 2),
                "rows": rows,
            }
        )
    )


def child(*args: str, env: dict[str, str] | None = None) -> str:
    return subprocess.run(  # noqa: S603 (our own module, run with our own interpreter)
        [sys.executable, "-m", "bench.bench_large_workbook", *args],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout


def main() -> None:
    scratch = Path(tempfile.mkdtemp(prefix="opsbook-bench-"))
    env = {
        **os.environ,
        "OPSBOOK_VAR_DIR": str(scratch),
        "DATABASE_URL": os.environ.get(
            "BENCH_DATABASE_URL", f"sqlite:///{scratch / 'bench.sqlite3'}"
        ),
    }
    path = scratch / "large-checklist.xlsx"
    child("--write", str(path), env=env)
    result: dict[str, object] = {
        "bench": "large_workbook_memory",
        "file_mb": round(path.stat().st_size / 1048576, 1),
        "file_bytes": path.stat().st_size,
        "rows": ROWS,
    }
    for what in ("read", "dry_run"):
        measured = json.loads(child("--measure", what, str(path), env=env))
        result[f"{what}_baseline_mb"] = measured["baseline_mb"]
        result[f"{what}_peak_mb"] = measured["peak_mb"]
        result[f"{what}_growth_mb"] = round(measured["peak_mb"] - measured["baseline_mb"], 1)
        result[f"{what}_s"] = measured["seconds"]
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--write"]:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opsbook.settings")
        import django

        django.setup()
        write_workbook(Path(sys.argv[2]))
    elif sys.argv[1:2] == ["--measure"]:
        measure(sys.argv[2], Path(sys.argv[3]))
    else:
        main()
