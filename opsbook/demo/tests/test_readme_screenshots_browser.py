"""The pictures in README.md, taken in a real browser on the whole demo (it sits here, at the top
layer, because it loads every app's demo data): ``OPSBOOK_SCREENSHOTS=1 pytest -k readme``."""

import os

import pytest

from opsbook.accounts.demo import PASSWORD as DEMO_PASSWORD
from opsbook.catalog.models import ServiceItem
from opsbook.catalog.tests.test_journey_browser import (
    SCREENSHOTS,
    edited_export,
    sign_in,
    upload,
)
from opsbook.demo.loader import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.skipif(
    os.environ.get("OPSBOOK_SCREENSHOTS") != "1", reason="set OPSBOOK_SCREENSHOTS=1 to retake"
)
def test_readme_screenshots_of_the_demo(browser_page, tmp_path, settings):
    """The pictures in README.md, taken on the demo data: OPSBOOK_SCREENSHOTS=1 pytest -k readme"""
    settings.VAR_DIR = tmp_path
    load_demo()
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 800})
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    sign_in(page, "manager", DEMO_PASSWORD)
    page.goto("/catalog/")

    page.locator("#tree-table .content-rows").first.evaluate("row => row.classList.add('show')")
    page.screenshot(path=SCREENSHOTS / "catalog-tree.png")

    item = ServiceItem.objects.filter(contents__isnull=False).order_by("sort_order", "code").first()
    assert item is not None
    page.goto(f"/catalog/items/{item.pk}/")
    page.screenshot(path=SCREENSHOTS / "item-page.png")

    exported = tmp_path / "清单.xlsx"
    page.goto("/catalog/")
    with page.expect_download() as download_info:
        page.locator('a[href^="/catalog/export/"]').click()
    download_info.value.save_as(exported)
    page.goto("/catalog/import/")
    upload(page, "服务清单.xlsx", edited_export(exported))
    page.screenshot(path=SCREENSHOTS / "import-preview.png")

    page.goto("/people/")
    page.screenshot(path=SCREENSHOTS / "people.png")


@pytest.mark.skipif(
    os.environ.get("OPSBOOK_SCREENSHOTS") != "1", reason="set OPSBOOK_SCREENSHOTS=1 to retake"
)
def test_readme_screenshots_of_my_work_and_the_workload(browser_page, tmp_path, settings):
    """My work as the demo agent (alice) and the workload chart as the manager, on the demo."""
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path
    load_demo()
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 800})
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    sign_in(page, "alice", DEMO_PASSWORD)  # staff land on my work
    page.locator("#nav-my-work .badge").wait_for()
    page.screenshot(path=SCREENSHOTS / "my-work.png")

    page.context.clear_cookies()
    sign_in(page, "manager", DEMO_PASSWORD)
    page.goto("/work/workload/")
    page.locator("#workload-chart svg").wait_for()
    page.wait_for_timeout(1000)  # the chart's entry animation
    page.screenshot(path=SCREENSHOTS / "workload.png")


@pytest.mark.skipif(
    os.environ.get("OPSBOOK_SCREENSHOTS") != "1", reason="set OPSBOOK_SCREENSHOTS=1 to retake"
)
def test_readme_screenshots_of_the_dashboards_and_goals(browser_page, tmp_path, settings):
    """The manager's dashboard, the twelve-month trends and the goals, on the demo."""
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path
    load_demo()
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    sign_in(page, "manager", DEMO_PASSWORD)
    for path, name in (
        ("/dashboards/", "dashboard.png"),
        ("/dashboards/trends/", "trends.png"),
        ("/goals/", "goals.png"),
    ):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(1500)  # the charts' entry animation
        page.screenshot(path=SCREENSHOTS / name)
