"""A goal's page in a real browser: the chart draws under the Content Security Policy (data from
json_script, no inline script), and the owner writes a checkpoint's note."""

import pytest
from django.conf import settings
from django.test import Client

from opsbook.core import clock
from opsbook.goals.models import GoalCheckpoint
from opsbook.metrics.periods import current

from .helpers import make_goal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def test_the_owner_sees_the_chart_and_notes_a_checkpoint(
    browser_page, live_server, personas, fake_metric
):
    page = browser_page
    csp_errors: list[str] = []

    def on_console(message) -> None:
        if "Content Security Policy" in message.text:
            csp_errors.append(message.text)

    page.on("console", on_console)
    now = clock.now()
    this_month = current("month", now)
    fake_metric.values.update({this_month.shift(-2).code: 0.93, this_month.shift(-1).code: 0.95})
    goal = make_goal(
        personas.alice,
        now=now,
        baseline_period=this_month.shift(-3).code,
        start=this_month.shift(-2).start,
        deadline=this_month.shift(2).last_day,
        checkpoints=[(this_month.shift(-1).last_day, 0.94, "")],
    )
    sign_in(page, live_server, personas.alice)

    page.goto(f"/goals/{goal.pk}/")

    page.wait_for_selector("#goal-chart svg")
    assert "95 %" in page.locator("#goal-current").inner_text()
    assert page.locator("#smart-findings").count() == 1
    page.locator(".checkpoint-note textarea").fill("排班调整后回升")
    page.locator(".checkpoint-note button").click()
    page.wait_for_url(f"**/goals/{goal.pk}/")
    assert "排班调整后回升" in page.locator("#checkpoints").inner_text()
    assert GoalCheckpoint.objects.get().noted_by == personas.alice
    assert csp_errors == []
