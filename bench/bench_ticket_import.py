"""How long importing 200,000 historical tickets with their status changes takes, and how much
memory it needs: `opsbook tickets import` on a CSV pair (tickets + status changes) and on one
workbook (工单 + 状态变更 sheets).

Run with `python -m bench.bench_ticket_import` (or `make bench`). Uses a fresh SQLite database
in a temporary directory, or, when ``BENCH_DATABASE_URL`` names a PostgreSQL server (e.g.
``postgres://postgres@127.0.0.1:5432/postgres``), a throwaway ``opsbook_bench_ticket_import``
database on it that is dropped at the end. ``BENCH_TICKETS`` sets the number of tickets
(default 200,000; about 3.2 status changes each).

The files are generated with a fixed seed by a child process, and each measurement runs in a
child process of its own, so a figure's peak memory is that import's alone. Printed per file
format, one JSON object: the dry run's and the import's seconds and tickets per second, a second
import of the same file (everything unchanged), the import's Python peak (tracemalloc, measured
in a separate run because tracing slows Python down) and the process's maximum resident size.
Setup rows (calendar, items with standards, customers, agents) are not the code under test.
"""

import csv
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.bench_catalog_pages import admin_connection

TICKETS = int(os.environ.get("BENCH_TICKETS", "200000"))
ITEMS, CUSTOMERS, TEAMS, AGENTS = 200, 300, 6, 60
SEED = 20260301
BENCH_DB = "opsbook_bench_ticket_import"
TZ = ZoneInfo("Asia/Shanghai")
START = datetime(2024, 1, 2, 8, 0)  # file cells are wall time in the site's zone
HEADER = ["编号", "标题", "类型", "渠道", "优先级", "服务项目", "客户", "创建时间",
          "首次响应时间", "解决时间", "关闭时间", "处理人", "满意度"]  # fmt: skip
STATUS_HEADER = ["编号", "时间", "新状态"]
TYPES = ("咨询", "咨询", "咨询", "故障", "故障", "投诉", "建议")
CHANNELS = ("电话", "电话", "邮件", "在线客服", "在线客服", "门户", "企业微信", "现场")
PRIORITIES = ("普通", "普通", "普通", "高", "紧急", "低")
WORDS = ("无法登录", "课程咨询", "发票申请", "退费", "账号异常", "直播卡顿", "作业提交失败",
         "证书补办", "排课调整", "系统报错", "密码重置", "支付失败")  # fmt: skip


# --- Files ------------------------------------------------------------------------------------


def tickets(rnd: random.Random, count: int):
    """(ticket row, [status rows]) for ``count`` tickets spread over two years."""
    span = 2 * 365 * 86400
    for n in range(count):
        created = START + timedelta(seconds=int(span * n / count) + rnd.randrange(3600))
        number = f"HD-{n + 1:07d}"
        moment = created
        changes = []

        def later(low, high):
            nonlocal moment
            moment = moment + timedelta(seconds=rnd.randrange(low, high))
            return moment

        first_response = later(60, 7200)
        if rnd.random() < 0.2:
            changes.append((later(0, 600), "已受理"))
        changes.append((later(0, 1800), "处理中"))
        if rnd.random() < 0.15:
            changes.append((later(600, 86400), "等待客户"))
            changes.append((later(1800, 3 * 86400), "处理中"))
        resolved = closed = None
        fate = rnd.random()
        if fate < 0.93:
            resolved = later(1800, 5 * 86400)
            changes.append((resolved, "已解决"))
            if fate < 0.79:
                closed = later(3600, 7 * 86400)
                changes.append((closed, "已关闭"))
        agent = rnd.randrange(AGENTS)
        row = [
            number,
            f"{rnd.choice(WORDS)}（{n % 997}）",
            rnd.choice(TYPES),
            rnd.choice(CHANNELS),
            rnd.choice(PRIORITIES),
            f"S{rnd.randrange(ITEMS):04d}" if n % 3 else f"服务项目{rnd.randrange(ITEMS):04d}",
            f"c{rnd.randrange(CUSTOMERS):04d}" if n % 2 else f"客户{rnd.randrange(CUSTOMERS):04d}",
            created,
            first_response,
            resolved,
            closed,
            f"agent{agent:03d}" if n % 2 else f"客服{agent:03d}",
            rnd.randint(1, 5) if resolved and rnd.random() < 0.6 else None,
        ]
        yield row, [(number, at, status) for at, status in changes]


def write_files(directory: Path, count: int) -> None:
    import xlsxwriter

    def text(value):
        if value is None:
            return ""
        return value.strftime("%Y-%m-%d %H:%M:%S") if isinstance(value, datetime) else value

    book = xlsxwriter.Workbook(
        str(directory / "tickets.xlsx"),
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
    )
    sheet, changes = book.add_worksheet("工单"), book.add_worksheet("状态变更")
    stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    sheet.write_row(0, 0, HEADER)
    changes.write_row(0, 0, STATUS_HEADER)
    status_row = 0
    with (
        (directory / "tickets.csv").open("w", newline="", encoding="utf-8") as ticket_file,
        (directory / "statuses.csv").open("w", newline="", encoding="utf-8") as status_file,
    ):
        ticket_csv, status_csv = csv.writer(ticket_file), csv.writer(status_file)
        ticket_csv.writerow(HEADER)
        status_csv.writerow(STATUS_HEADER)
        for n, (row, statuses) in enumerate(tickets(random.Random(SEED), count), 1):
            ticket_csv.writerow([text(v) for v in row])
            for column, value in enumerate(row):
                if isinstance(value, datetime):
                    sheet.write_datetime(n, column, value, stamp)
                elif value is not None:
                    sheet.write(n, column, value)
            for number, at, status in statuses:
                status_csv.writerow([number, text(at), status])
                status_row += 1
                changes.write_string(status_row, 0, number)
                changes.write_datetime(status_row, 1, at, stamp)
                changes.write_string(status_row, 2, status)
    book.close()


# --- Setup ------------------------------------------------------------------------------------


def populate() -> None:
    from opsbook.accounts.models import Customer, Team, User
    from opsbook.calendars.sync import do_sync_china_calendar
    from opsbook.catalog.models import Category, ServiceItem, ServiceStandard

    do_sync_china_calendar()
    teams = Team.objects.bulk_create([Team(name=f"团队{n}") for n in range(TEAMS)])
    User.objects.bulk_create(
        [
            User(username=f"agent{n:03d}", display_name=f"客服{n:03d}", team=teams[n % TEAMS])
            for n in range(AGENTS)
        ]
    )
    Customer.objects.bulk_create(
        [Customer(code=f"c{n:04d}", name=f"客户{n:04d}") for n in range(CUSTOMERS)]
    )
    category = Category.objects.create(name="服务")
    items = ServiceItem.objects.bulk_create(
        [
            ServiceItem(code=f"S{n:04d}", name=f"服务项目{n:04d}", category=category)
            for n in range(ITEMS)
        ]
    )
    standards = []
    for n, item in enumerate(items):
        standards += [
            ServiceStandard(item=item, channel="phone", response_minutes=5, resolution_minutes=240),
            ServiceStandard(
                item=item,
                channel="email",
                response_minutes=240,
                resolution_minutes=1440,
                time_basis="calendar",
            ),
            ServiceStandard(item=item, channel="chat", response_minutes=2, resolution_minutes=120),
            ServiceStandard(
                item=item,
                channel="chat",
                priority="urgent",
                response_minutes=1,
                resolution_minutes=60,
                position=1,
            ),
        ]
        if n % 2:
            standards.append(
                ServiceStandard(
                    item=item, channel="portal", response_minutes=120, resolution_minutes=960
                )
            )
    ServiceStandard.objects.bulk_create(standards)


def clear_tickets() -> None:
    from django.db import connection

    from opsbook.tickets.models import Ticket, TicketEvent

    tables = [TicketEvent._meta.db_table, Ticket._meta.db_table]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (our own table names)


# --- Measurements (each in a child process) ---------------------------------------------------


def files_of(directory: Path, kind: str) -> tuple[tuple, dict]:
    if kind == "csv":
        return (
            (directory / "tickets.csv").read_bytes(),
            "tickets.csv",
        ), {
            "status_data": (directory / "statuses.csv").read_bytes(),
            "status_filename": "statuses.csv",
        }
    return ((directory / "tickets.xlsx").read_bytes(), "tickets.xlsx"), {}


def measure(directory: Path, kind: str) -> dict:
    from opsbook.tickets.excel.importer import import_tickets

    args, kwargs = files_of(directory, kind)

    def timed(**extra):
        started = time.perf_counter()
        report = import_tickets(*args, **kwargs, **extra)
        if not report.ok:
            sys.exit("\n".join(str(p) for p in report.problems[:20]))
        return report, time.perf_counter() - started

    dry, dry_s = timed(dry_run=True)
    real, import_s = timed()
    again, reimport_s = timed()
    assert dry.summary["tickets"]["created"] == real.summary["tickets"]["created"] == TICKETS
    assert again.summary["tickets"]["unchanged"] == TICKETS
    clear_tickets()
    return {
        "file_mb": round(sum(len(a) for a in (args[0], kwargs.get("status_data", b""))) / 2**20, 1),
        "status_changes": real.summary["status_changes"],
        "events": real.summary["events"],
        "dry_run_s": round(dry_s, 2),
        "dry_run_tickets_per_s": round(TICKETS / dry_s),
        "import_s": round(import_s, 2),
        "import_tickets_per_s": round(TICKETS / import_s),
        "reimport_s": round(reimport_s, 2),
        "maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def trace(directory: Path, kind: str) -> dict:
    from opsbook.tickets.excel.importer import import_tickets

    args, kwargs = files_of(directory, kind)
    tracemalloc.start()
    report = import_tickets(*args, **kwargs)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert report.ok
    clear_tickets()
    return {
        "peak_mb": round(peak / 2**20, 1),
        "traced_maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def child(*args: str) -> dict:
    result = subprocess.run(  # noqa: S603 (our own module, run with our own interpreter)
        [sys.executable, "-m", "bench.bench_ticket_import", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.stderr.write(result.stderr)
        raise SystemExit(f"bench child {args} failed with {result.returncode}")
    return json.loads(result.stdout.strip().splitlines()[-1]) if result.stdout.strip() else {}


def use_postgres(url: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    from psycopg import sql

    with admin_connection(url) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(BENCH_DB))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(BENCH_DB)))
    return urlunsplit(urlsplit(url)._replace(path=f"/{BENCH_DB}"))


def drop_postgres(url: str) -> None:
    from psycopg import sql

    with admin_connection(url) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(BENCH_DB))
        )


def setup_django() -> None:
    import django

    django.setup()


def main() -> None:
    scratch = Path(tempfile.mkdtemp(prefix="opsbook-bench-"))
    os.environ["OPSBOOK_VAR_DIR"] = str(scratch)
    os.environ["DJANGO_SETTINGS_MODULE"] = "opsbook.settings"
    server = os.environ.get("BENCH_DATABASE_URL", "")
    if server:
        os.environ["DATABASE_URL"] = use_postgres(server)
        db = "postgresql"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'bench.sqlite3'}"
        db = "sqlite"
    try:
        child("--setup")
        started = time.perf_counter()
        child("--write", str(scratch))
        write_s = time.perf_counter() - started
        for kind in ("csv", "xlsx"):
            result = {"bench": f"ticket_import_{kind}", "db": db, "tickets": TICKETS}
            result |= child("--measure", kind, str(scratch))
            result |= child("--trace", kind, str(scratch))
            result["generate_files_s"] = round(write_s, 1)
            print(json.dumps(result, ensure_ascii=False), flush=True)
    finally:
        if server:
            drop_postgres(server)
        shutil.rmtree(scratch, ignore_errors=True)  # the files and SQLite take ~500 MB


if __name__ == "__main__":
    command = sys.argv[1:2]
    if command == ["--write"]:
        write_files(Path(sys.argv[2]), TICKETS)
    elif command == ["--setup"]:
        setup_django()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        populate()
    elif command in (["--measure"], ["--trace"]):
        setup_django()
        run = measure if command == ["--measure"] else trace
        print(json.dumps(run(Path(sys.argv[3]), sys.argv[2])))
    else:
        main()
