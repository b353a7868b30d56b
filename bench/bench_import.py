"""How long a 10,000-row checklist takes to read, check, import, re-import and export.

Run with `python -m bench.bench_import` (or `make bench`). Uses a fresh SQLite database in a
temporary directory (or BENCH_DATABASE_URL, an empty database). Prints one JSON object; check_s
is the file-safety pre-check alone. The aim: a dry run under 3x and an import under 8x the time
calamine takes just to read the sheet, and under 300 MB of memory.
"""

import io
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

ROWS = 10_000
ITEMS = 500
TOP_CATEGORIES = ("客户服务", "教务服务", "技术支持", "财务服务", "后勤保障", "市场运营")
SUB_CATEGORIES = 5  # per top category: 30 categories in all
USERS = 24
TEAMS = ("客服部", "教务部", "技术支持部", "财务部", "后勤部", "市场部")
FREQUENCIES = ("每日", "工作日每天", "每周两次", "每周一", "每月5日前", "每月", "每季度", "每年",
               "按需", "每半年", "每两周", "每月最后一个工作日")  # fmt: skip
STANDARDS = (
    "电话：响应≤5分钟，解决≤4小时（工作时间）；邮件：响应≤24小时（日历时间）",
    "在线客服/紧急：响应≤1分钟（日历时间）；电话：响应≤10分钟，解决≤8小时（工作时间）",
    "邮件：响应≤4小时，解决≤3天（日历时间）",
    "门户：响应≤2小时（工作时间）",
    "现场：响应≤1天，解决≤3天（日历时间）",
    "企业微信：响应≤15分钟，解决≤1小时（工作时间）",
    "",
)
KPI_NAMES = ("学员满意度", "投诉处理及时率", "一次解决率", "回访完成率", "工单按时关闭率")
RESOURCES = ("人员：3名客服；工具：工单系统", "预算：5万元/年", "人员：1名专员；工具：CRM",
             "工具：呼叫中心系统；预算：2万元/季度", "")  # fmt: skip
WORDS = [
    "咨询",
    "答复",
    "记录",
    "跟进",
    "回访",
    "整理",
    "汇总",
    "培训",
    "检查",
    "维护",
    "核对",
    "通知",
    "安排",
    "评估",
    "更新",
]


def workbook(path: Path, usernames: list[str], rnd: random.Random) -> None:
    import xlsxwriter

    from opsbook.catalog.excel.columns import CATEGORY_COLUMNS, ITEM_COLUMNS, ROW_COLUMNS

    columns = [*CATEGORY_COLUMNS[:2], *ITEM_COLUMNS, *ROW_COLUMNS]
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    sheet = book.add_worksheet("服务清单")
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    for index, column in enumerate(columns):
        sheet.write_string(0, index, column.zh)
    position = {c.key: i for i, c in enumerate(columns)}
    row = 0
    per_item = ROWS // ITEMS
    for n in range(ITEMS):
        top = TOP_CATEGORIES[n % len(TOP_CATEGORIES)]
        sub = f"{top[:2]}{(n // len(TOP_CATEGORIES)) % SUB_CATEGORIES + 1}组"
        start = date(2026, 1, 1) + timedelta(days=rnd.randrange(90))
        item = {
            "category1": top,
            "category2": sub,
            "item_name": f"{top}项目{n + 1:03d}",
            "item_description": "".join(rnd.choices(WORDS, k=12)),
            "tier": rnd.choice(("基础", "高级", "定制")),
            "target_customers": rnd.choice(("全体学员", "新生家长", "合作学校", "企业客户")),
            "service_hours": rnd.choice(("工作日 9:00-18:00", "7×24小时")),
            "delivery_mode": rnd.choice(("远程", "现场", "远程+现场")),
            "region": rnd.choice(("华东", "华南", "华北", "全国")),
            "item_owners": "、".join(rnd.sample(usernames, 2)),
            "item_status": "启用",
            "review_cycle_months": rnd.choice((6, 12)),
            "next_review_date": date(2026, 12, 31),
        }
        contents = per_item
        if n % 5 == 0:  # one item in five also has a row of its own (standards for the item)
            contents -= 1
            row += 1
            _write(sheet, position, row, dates, {
                **item,
                "frequency": rnd.choice(FREQUENCIES),
                "standards": rnd.choice(STANDARDS[:-1]),
                "kpis": f"{rnd.choice(KPI_NAMES)}≥{rnd.randint(85, 99)}%",
                "notes": "项目整体要求",
            })  # fmt: skip
        for c in range(contents):
            row += 1
            checkpoint = start + timedelta(days=rnd.randrange(30, 300))
            _write(sheet, position, row, dates, {
                **item,
                "content_name": f"{''.join(rnd.choices(WORDS, k=2))}{c + 1:02d}",
                "content_description": "".join(rnd.choices(WORDS, k=8)),
                "frequency": rnd.choice(FREQUENCIES),
                "owners": "、".join(rnd.sample(usernames, rnd.choice((1, 1, 2)))),
                "standards": rnd.choice(STANDARDS),
                "kpis": f"{rnd.choice(KPI_NAMES)}≥{rnd.randint(85, 99)}%；"
                        f"平均响应时长≤{rnd.choice((30, 60, 120))}秒",
                "start_date": start,
                "end_date": date(2026, 12, 31),
                "checkpoints": f"{checkpoint.isoformat()} {''.join(rnd.choices(WORDS, k=3))}"
                               + ("✓" if rnd.random() < 0.3 else ""),
                "resources": rnd.choice(RESOURCES),
                "notes": "".join(rnd.choices(WORDS, k=rnd.randrange(0, 6))),
                "status": "启用",
            })  # fmt: skip
    sheet.freeze_panes(1, 0)
    book.close()
    del dates


def _write(sheet, position, row, dates, values) -> None:
    for key, value in values.items():
        if value in ("", None):
            continue
        if isinstance(value, date):
            sheet.write_datetime(row, position[key], value, dates)
        elif isinstance(value, int):
            sheet.write_number(row, position[key], value)
        else:
            sheet.write_string(row, position[key], value)


def main() -> None:
    scratch = Path(tempfile.mkdtemp(prefix="opsbook-bench-"))
    os.environ["OPSBOOK_VAR_DIR"] = str(scratch)
    # BENCH_DATABASE_URL: an empty database to run on instead (e.g. a new PostgreSQL database).
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_DATABASE_URL", f"sqlite:///{scratch / 'bench.sqlite3'}"
    )
    os.environ["DJANGO_SETTINGS_MODULE"] = "opsbook.settings"
    import django

    django.setup()
    import python_calamine
    from django.core.management import call_command

    from opsbook.accounts.models import Team, User
    from opsbook.audit.models import AuditEntry
    from opsbook.catalog.excel.columns import sheet_rules
    from opsbook.catalog.excel.exporter import export_catalog
    from opsbook.catalog.excel.importer import import_catalog
    from opsbook.catalog.models import Category, ServiceContent, ServiceItem
    from opsbook.core.tabular.files import check_xlsx

    call_command("migrate", verbosity=0)
    teams = [Team.objects.create(name=name) for name in TEAMS]
    usernames = []
    for n in range(USERS):
        user = User.objects.create(
            username=f"agent{n:02d}", display_name=f"客服{n:02d}", team=teams[n % len(teams)]
        )
        usernames.append(user.display_name if n % 2 else user.username)
    actor = User.objects.create(username="importer", role="manager")
    path = scratch / "checklist.xlsx"
    # Written by a child process, so generating it does not count in this one's peak memory.
    subprocess.run(  # noqa: S603 (our own module, run with our own interpreter)
        [sys.executable, "-m", "bench.bench_import", "--write", str(path), *usernames, *TEAMS[:2]],
        check=True,
    )
    data = path.read_bytes()

    def timed(fn):
        started = time.perf_counter()
        result = fn()
        return result, time.perf_counter() - started

    def read():
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        return book.get_sheet_by_name("服务清单").to_python()

    read_s = min(timed(read)[1] for _ in range(3))
    limits = sheet_rules().limits
    check_s = min(timed(lambda: check_xlsx(data, limits))[1] for _ in range(3))
    dry, dry_run_s = timed(lambda: import_catalog(data, path.name, actor=actor, dry_run=True))
    if not dry.ok:
        sys.exit("\n".join(str(p) for p in dry.problems[:20]))
    real, import_s = timed(lambda: import_catalog(data, path.name, actor=actor))
    again, reimport_s = timed(lambda: import_catalog(data, path.name, actor=actor))
    assert real.ok and again.ok
    assert again.summary["contents"]["unchanged"] == real.summary["contents"]["created"]
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    exported, export_s = timed(export_catalog)

    # Peak memory of a real import into an empty catalog, measured apart: tracemalloc slows
    # Python down, so it must not run during the timings above.
    for model in (AuditEntry, ServiceContent, ServiceItem):
        model.objects.all().delete()
    while Category.objects.exists():
        Category.objects.filter(children__isnull=True).delete()
    tracemalloc.start()
    assert import_catalog(data, path.name, actor=actor).ok
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    print(json.dumps({
        "bench": "catalog_import_10k",
        "rows": ROWS,
        "items": real.summary["items"]["created"],
        "contents": real.summary["contents"]["created"],
        "file_mb": round(len(data) / 1048576, 2),
        "read_s": round(read_s, 3),
        "check_s": round(check_s, 3),
        "dry_run_s": round(dry_run_s, 3),
        "import_s": round(import_s, 3),
        "reimport_s": round(reimport_s, 3),
        "export_s": round(export_s, 3),
        "ratio_dry_run_to_read": round(dry_run_s / read_s, 1),
        "ratio_import_to_read": round(import_s / read_s, 1),
        "peak_mb": round(peak / 1048576, 1),
        "maxrss_mb": round(maxrss / 1024, 1),
        "export_mb": round(len(exported) / 1048576, 2),
    }, ensure_ascii=False))  # fmt: skip


if __name__ == "__main__":
    if sys.argv[1:2] == ["--write"]:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opsbook.settings")
        workbook(Path(sys.argv[2]), sys.argv[3:], random.Random(20260301))
    else:
        main()
