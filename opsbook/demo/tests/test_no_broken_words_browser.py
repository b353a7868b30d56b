"""Chinese words are not broken across lines: at 1,440 × 900 (a common office screen) every
button, badge, table header and menu entry on the main pages, drawn on the whole demo, keeps its
text on one line; narrower windows scroll the tables sideways instead of breaking words."""

import os
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test import Client

from opsbook.accounts.models import User
from opsbook.calendars.models import Calendar
from opsbook.catalog.models import ServiceItem
from opsbook.demo.loader import load_demo
from opsbook.tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 11, 20)  # the calendar banner shows too: the next year is missing

# Elements whose text must stay on one line; the script returns those that take more.
SHORT_LABELS = (
    "button, .btn, .badge, th, .nav-link, .dropdown-item, .page-link, .form-check-label, "
    "label.form-label, legend"
)
WRAPPED = """selector => {
  const cjk = /[\\u3400-\\u9fff]/;
  const hidden = ".visually-hidden, .visually-hidden-focusable";
  const out = [];
  for (const el of document.querySelectorAll(selector)) {
    if (el.offsetParent === null || el.closest(hidden)) continue;
    // The boxes of the element's shown text (screen-reader text aside). Two boxes on one line
    // overlap vertically (a badge's smaller digits too); a box wholly below another is a new line.
    const boxes = [];
    let text = "";
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.textContent.trim() || node.parentElement.closest(hidden)) continue;
      text += node.textContent.trim();
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const rect of range.getClientRects()) {
        if (rect.width > 0 && rect.height > 0) boxes.push(rect);
      }
    }
    const wrapped = boxes.some(a => boxes.some(b => a.top >= b.bottom - 1));
    if (cjk.test(text) && wrapped) {
      out.push(`${el.tagName.toLowerCase()}.${el.className}: ${text}`);
    }
  }
  return out;
}"""


def sign_in(page, live_server, username: str) -> None:
    client = Client()
    client.force_login(User.objects.get(username=username))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def wrapped_on(page, urls: list[str]) -> list[str]:
    found = []
    for url in urls:
        page.goto(url)
        page.wait_for_load_state("networkidle")
        if os.environ.get("OPSBOOK_SCREENSHOTS"):  # pictures for a person, in var/screenshots
            folder = settings.BASE_DIR / "var" / "screenshots"
            folder.mkdir(parents=True, exist_ok=True)
            name = f"words-{page.viewport_size['width']}{url.replace('/', '-')}.png"
            page.screenshot(path=str(folder / name), full_page=True, caret="initial")
        found += [f"{url} {text}" for text in page.evaluate(WRAPPED, SHORT_LABELS)]
    return found


@pytest.fixture
def demo(time_machine, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    time_machine.move_to(datetime.combine(TODAY, time(10), tzinfo=SHANGHAI), tick=False)
    load_demo(TODAY)


def test_no_button_or_header_breaks_a_chinese_word_at_1440_pixels(browser_page, live_server, demo):
    page = browser_page
    page.set_viewport_size({"width": 1440, "height": 900})
    item = ServiceItem.objects.filter(contents__isnull=False).order_by("pk").first()
    calendar = Calendar.objects.order_by("pk").first()
    ticket = Ticket.objects.order_by("pk").first()
    customer_ticket = Ticket.objects.filter(contact__username="chenjing").order_by("pk").first()
    assert item and calendar and ticket and customer_ticket

    sign_in(page, live_server, "manager")
    found = wrapped_on(
        page,
        [
            "/tickets/",
            f"/tickets/{ticket.pk}/",
            "/tickets/new/",
            "/catalog/",
            f"/catalog/items/{item.pk}/",
            f"/catalog/items/{item.pk}/edit/",
            "/catalog/import/",
            "/catalog/categories/",
            "/calendars/",
            f"/calendars/{calendar.pk}/",
            "/accounts/preferences/",
        ],
    )
    page.context.clear_cookies()
    sign_in(page, live_server, "admin")
    found += wrapped_on(
        page,
        [
            "/tickets/",
            f"/calendars/{calendar.pk}/hours/",
            f"/calendars/{calendar.pk}/years/",
            f"/calendars/{calendar.pk}/exceptions/new/",
            f"/calendars/{calendar.pk}/import/?year=2027",
        ],
    )
    page.context.clear_cookies()
    sign_in(page, live_server, "chenjing")
    found += wrapped_on(
        page, ["/portal/", "/portal/new/", f"/portal/tickets/{customer_ticket.pk}/"]
    )

    assert not found, "\n".join(found)


def test_on_a_narrow_window_the_ticket_table_scrolls_instead_of_breaking_headers(
    browser_page, live_server, demo
):
    page = browser_page
    page.set_viewport_size({"width": 800, "height": 900})
    sign_in(page, live_server, "manager")

    assert wrapped_on(page, ["/tickets/"]) == []
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1]  # the table scrolls in its box, the page does not
    box = page.evaluate(
        "() => { const box = document.querySelector('#ticket-table').parentElement;"
        " return [box.scrollWidth, box.clientWidth]; }"
    )
    assert box[0] > box[1]
