"""Routine work in a real browser, end to end: an occurrence generated from the checklist appears
in the owner's "my work", is completed there with evidence (a note, a link and a file), and the
reminder the scheduler's job sent about it waits in the inbox, counted on the navigation.

The scene is built through the real services and jobs: a content with a frequency and an owner,
``generate(now)``, and ``remind_due(now)`` (OCCURRENCE_DUE). It sits at the top layer because it
crosses the checklist, routines, work and notify. Chinese UI (zh-CN); assertions read ids and what
people typed, so they hold whatever the translations say word for word.
"""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from opsbook.accounts.testing import PASSWORD
from opsbook.catalog.tests.test_journey_browser import sign_in
from opsbook.notify.choices import Event
from opsbook.notify.models import Notification
from opsbook.routines.choices import OccurrenceStatus
from opsbook.routines.generation import generate
from opsbook.routines.jobs import remind_due
from opsbook.routines.models import Occurrence
from opsbook.routines.testing import at, make_office_calendar, make_routine

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
MONDAY = date(2026, 10, 12)  # the first full working week after National Day
NAME = "机房巡检"


def test_work_generated_from_the_checklist_is_done_in_my_work_and_its_reminder_is_in_the_inbox(
    browser_page, personas, time_machine, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    now = at(MONDAY, 9, 30)
    time_machine.move_to(now, tick=False)
    make_office_calendar()
    content = make_routine(personas.alice, name=NAME, frequency_text="每周一", effort_minutes=60)
    generate(now)  # the scheduler's job (saving the content may have queued the same already)
    occurrence = Occurrence.objects.get(content=content, due_on=MONDAY)
    assert remind_due(now) == 1
    page = browser_page

    sign_in(page, "alice", PASSWORD)  # staff land on my work

    expect(page.locator("#nav-unread")).to_have_text(re.compile(r"^1\b"))  # 1, then "unread"
    expect(page.locator("#nav-my-work .badge")).to_have_text("1")  # the one thing to do
    row = page.locator("tr", has=page.get_by_role("link", name=NAME))
    expect(row).to_have_count(1)
    row.get_by_role("link", name=NAME).click()
    page.wait_for_url(f"**/routines/occurrences/{occurrence.pk}/")
    page.fill("#complete-form [name=note]", "已巡检 3 台服务器，均正常。")
    page.fill("#complete-form [name=link]", "https://wiki.example.com/inspection/2026-10-12")
    page.set_input_files(
        "#complete-form [name=files]",
        files=[{"name": "巡检记录.txt", "mimeType": "text/plain", "buffer": "CPU 正常".encode()}],
    )
    page.locator('#complete-form button[type="submit"]').click()

    expect(page.locator("#evidence-files")).to_contain_text("巡检记录.txt")
    expect(page.locator("#note")).to_contain_text("已巡检 3 台服务器")
    expect(page.locator("#evidence-link")).to_have_attribute(
        "href", "https://wiki.example.com/inspection/2026-10-12"
    )
    occurrence.refresh_from_db()
    assert occurrence.status == OccurrenceStatus.DONE
    assert occurrence.completed_by == personas.alice
    assert occurrence.evidence.count() == 1

    page.goto("/work/")
    expect(page.get_by_role("link", name=NAME)).to_have_count(0)  # done: no longer to do

    page.locator("#nav-inbox").click()
    page.wait_for_url("**/notifications/")
    reminder = Notification.objects.get(user=personas.alice, event=Event.OCCURRENCE_DUE)
    assert NAME in reminder.title
    expect(page.locator("main")).to_contain_text(reminder.title)
