"""How fast the checklist reads with 10,000 service items: the tree page, its htmx partial and
the API list, and whether their query counts stay flat as the page grows.

Run with `python -m bench.bench_catalog_pages` (or `make bench`). Uses a fresh SQLite database
in a temporary directory, or, when ``BENCH_DATABASE_URL`` names a PostgreSQL server (e.g.
``postgres://postgres@127.0.0.1:5432/postgres``), a throwaway ``opsbook_bench`` database on it
that is dropped at the end. The setup rows are written with ``bulk_create``: they are not the
code under test. Then ``django.test.Client`` requests each view (signed in as a manager for
pages, with a bearer token for the API) and one JSON object per view is printed:
``p50_ms``/``p95_ms`` over the timed requests, ``queries`` for one request at the default page
size, and ``queries_by_size`` for pages (or ``limit``) of 5, 50 and 500 rows, which must not
grow with the page. The aim: p50 under 200 ms for every view.
"""

import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ITEMS = 10_000
CONTENTS_PER_ITEM = 2
ROOTS = ("客户服务", "教务服务", "技术支持", "财务服务", "后勤保障")
CHILDREN_PER_ROOT = 9  # 5 roots + 45 children: 50 categories, items in the children
TEAMS = ("客服部", "教务部", "技术支持部", "财务部", "后勤部", "市场部")
USERS = 30
FREQUENCIES = ("每日", "工作日每天", "每周两次", "每周一", "每月5日前", "每月", "每季度", "每年",
               "按需", "每半年", "每两周")  # fmt: skip
WORDS = ("咨询", "答复", "记录", "跟进", "回访", "整理", "汇总", "培训", "检查", "维护", "核对",
         "通知", "安排", "评估", "更新", "巡检", "对账", "排班", "报修", "审核")  # fmt: skip
SEARCH = "回访"  # a broad search: about 5,000 of the 8,000 active items match
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "100"))
SIZES = (5, 50, 500)
BENCH_DB = "opsbook_bench"
SEED = 20260301


def admin_connection(url: str):
    import psycopg

    return psycopg.connect(url, autocommit=True)


def use_postgres(url: str) -> str:
    """Create the throwaway database on the server ``url`` names; the URL to reach it."""
    from psycopg import sql

    with admin_connection(url) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(BENCH_DB))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(BENCH_DB)))
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{BENCH_DB}"))


def drop_postgres(url: str) -> None:
    from django.db import connections
    from psycopg import sql

    connections.close_all()
    with admin_connection(url) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(BENCH_DB))
        )


def populate(rnd: random.Random):
    """The catalog, owners, a manager and an API token. Returns (manager, raw token)."""
    from django.db import connection

    from opsbook.accounts.models import Team, User
    from opsbook.accounts.services import do_create_api_token
    from opsbook.catalog.models import Category, Ownership, ServiceContent, ServiceItem
    from opsbook.catalog.services import apply_frequency

    teams = Team.objects.bulk_create([Team(name=name) for name in TEAMS])
    users = User.objects.bulk_create(
        [
            User(username=f"agent{n:02d}", display_name=f"客服{n:02d}", team=teams[n % len(teams)])
            for n in range(USERS)
        ]
    )
    manager = User.objects.create(username="manager", role="manager", display_name="经理")
    _token, raw = do_create_api_token(manager, name="bench")

    roots = Category.objects.bulk_create(
        [Category(name=name, sort_order=i) for i, name in enumerate(ROOTS)]
    )
    leaves = Category.objects.bulk_create(
        [
            Category(name=f"{root.name[:2]}{c + 1}组", parent=root, sort_order=c)
            for root in roots
            for c in range(CHILDREN_PER_ROOT)
        ]
    )

    parsed = {}
    for text in FREQUENCIES:
        probe = ServiceItem(frequency_text=text)
        apply_frequency(probe)
        parsed[text] = (probe.frequency, probe.frequency_kind, probe.frequency_period)

    def frequency(text):
        value, kind, period = parsed[text]
        return {"frequency_text": text, "frequency": value, "frequency_kind": kind,
                "frequency_period": period}  # fmt: skip

    statuses = ("active",) * 8 + ("draft", "retired")
    items = ServiceItem.objects.bulk_create(
        [
            ServiceItem(
                code=f"S{n + 1:05d}",
                name=f"{''.join(rnd.sample(WORDS, 3))}服务{n + 1:05d}",
                description="".join(rnd.choices(WORDS, k=12)),
                category=leaves[n % len(leaves)],
                status=rnd.choice(statuses),
                tier=rnd.choice(("basic", "advanced", "custom")),
                target_customers=rnd.choice(("全体学员", "新生家长", "合作学校", "企业客户")),
                region=rnd.choice(("华东", "华南", "华北", "全国")),
                review_cycle_months=12,
                next_review_date=date(2026, 1, 1) + timedelta(days=rnd.randrange(365)),
                sort_order=n // len(leaves),
                **frequency(rnd.choice(FREQUENCIES)),
            )
            for n in range(ITEMS)
        ],
        batch_size=2000,
    )
    contents = ServiceContent.objects.bulk_create(
        [
            ServiceContent(
                item=item,
                code=f"{item.code}-{c + 1:02d}",
                name=f"{''.join(rnd.sample(WORDS, 2))}{c + 1:02d}",
                description="".join(rnd.choices(WORDS, k=8)),
                status="active",
                sort_order=c,
                **frequency(rnd.choice(FREQUENCIES)),
            )
            for item in items
            for c in range(CONTENTS_PER_ITEM)
        ],
        batch_size=2000,
    )
    owners = [
        Ownership(item=item, user=rnd.choice(users), is_primary=True, position=0) for item in items
    ]
    owners += [
        Ownership(item=item, team=rnd.choice(teams), is_primary=False, position=1)
        for item in items[::3]
    ]
    owners += [
        Ownership(item_id=content.item_id, content=content, user=rnd.choice(users), is_primary=True)
        for content in contents
    ]
    Ownership.objects.bulk_create(owners, batch_size=5000)
    with connection.cursor() as cursor:  # fresh statistics, as autovacuum would leave them
        cursor.execute("ANALYZE")
    return manager, raw


def measure(client, url: str, headers: dict, count: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):  # warm up: templates, prepared caches, the token's last_used_at update
        assert client.get(url, headers=headers).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.status_code)
    queries = len(captured)  # now: the next request's reset_queries empties the log
    timings = []
    for _ in range(count):
        started = time.perf_counter()
        response = client.get(url, headers=headers)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    timings.sort()
    cuts = statistics.quantiles(timings, n=100, method="inclusive")
    return {
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(cuts[94], 1),
        "max_ms": round(timings[-1], 1),
        "requests": count,
        "queries": queries,
        "bytes": len(response.content),
    }


def queries_for(client, url: str, headers: dict) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


def run(db: str) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from opsbook.catalog.models import ServiceItem
    from opsbook.catalog.views import tree as views

    setup_test_environment()  # "testserver" allowed, DEBUG off as in production
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    manager, raw = populate(random.Random(SEED))
    setup_s = time.perf_counter() - started

    page = Client()
    page.force_login(manager)
    api = Client()
    bearer = {"Authorization": f"Bearer {raw}"}
    htmx = {"HX-Request": "true"}
    filtered = f"status=active&q={SEARCH}"
    matches = ServiceItem.objects.active().search(SEARCH).count()

    def page_queries(url, headers):
        default = views.ITEMS_PER_PAGE
        counts = {}
        try:
            for size in SIZES:
                views.ITEMS_PER_PAGE = size
                counts[str(size)] = queries_for(page, url, headers)
        finally:
            views.ITEMS_PER_PAGE = default
        return counts

    def api_queries(path):
        joiner = "&" if "?" in path else "?"
        return {str(n): queries_for(api, f"{path}{joiner}limit={n}", bearer) for n in SIZES}

    cases = [
        ("catalog_tree_10k", page, "/catalog/", {}, REQUESTS,
         lambda: page_queries("/catalog/", {})),
        ("catalog_tree_filtered_10k", page, f"/catalog/?{filtered}", {}, REQUESTS,
         lambda: page_queries(f"/catalog/?{filtered}", {})),
        ("catalog_tree_htmx_10k", page, f"/catalog/?{filtered}", htmx, REQUESTS,
         lambda: page_queries(f"/catalog/?{filtered}", htmx)),
        ("catalog_api_list_50_10k", api, "/api/catalog/items?limit=50", bearer, REQUESTS,
         lambda: api_queries("/api/catalog/items")),
        ("catalog_api_list_500_10k", api, "/api/catalog/items?limit=500", bearer,
         max(REQUESTS // 5, 10), None),
        ("catalog_api_list_filtered_10k", api, f"/api/catalog/items?{filtered}&limit=50", bearer,
         REQUESTS, lambda: api_queries(f"/api/catalog/items?{filtered}")),
    ]  # fmt: skip
    for name, client, url, headers, count, by_size in cases:
        result = {"bench": name, "url": url, **measure(client, url, headers, count)}
        if by_size is not None:
            result["queries_by_size"] = by_size()
        if "q=" in url:
            result["matches"] = matches
        result.update(db=db, items=ITEMS, setup_s=round(setup_s, 1))
        print(json.dumps(result, ensure_ascii=False), flush=True)


def main() -> None:
    scratch = Path(tempfile.mkdtemp(prefix="opsbook-bench-"))
    os.environ["OPSBOOK_VAR_DIR"] = str(scratch)
    os.environ["DJANGO_SETTINGS_MODULE"] = "opsbook.settings"
    server = os.environ.get("BENCH_DATABASE_URL", "")
    if server:
        os.environ["DATABASE_URL"] = use_postgres(server)
        try:
            run("postgresql")
        finally:
            drop_postgres(server)
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'bench.sqlite3'}"
        run("sqlite")


if __name__ == "__main__":
    sys.exit(main())
