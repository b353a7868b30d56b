"""A contact answers through the e-mail's link in a real browser; a manager then sees the
charts drawn under the CSP and drills down from the NPS to the response."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from opsbook.core import clock
from opsbook.surveys import services
from opsbook.surveys.models import Invitation, Response
from opsbook.surveys.testing import make_campaign, make_survey, token_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def test_a_contact_answers_by_link_and_a_manager_drills_down(browser_page, live_server, personas):
    page = browser_page
    csp_errors: list[str] = []

    def note(message) -> None:
        if "Content Security Policy" in message.text:
            csp_errors.append(message.text)

    page.on("console", note)
    now = clock.now()
    personas.dana.email = "dana@xinghuo.example"
    personas.dana.save()
    survey = make_survey(personas.mia, now=now)
    campaign = make_campaign(personas.mia, survey, contacts=[personas.dana], now=now)
    services.do_send_campaign(personas.mia, campaign, now)
    link = reverse("portal:surveys:link", args=[token_of(Invitation.objects.get())])

    page.goto(link)
    expect(page.locator("#survey-title")).to_have_text(survey.title)
    page.locator("#survey-form button[type=submit]").click()
    expect(page.locator("#form-errors")).to_be_visible()  # two required questions unanswered
    assert not Response.objects.exists()
    nps, rating = survey.questions.all()[:2]
    page.locator(f"input[name={nps.field_name}][value='9']").check()
    page.locator(f"input[name={rating.field_name}][value='4']").check()
    page.locator("#survey-form button[type=submit]").click()
    expect(page.locator("#survey-done")).to_be_visible()
    assert Response.objects.get().answers.get(question=nps).score == 9

    sign_in(page, live_server, personas.mia)
    page.goto(reverse("surveys:campaign", args=[campaign.pk]))
    expect(page.locator("#nps")).to_have_text("+100")
    expect(page.locator(f"#chart-q{nps.pk} svg")).to_have_count(1)
    page.locator("a[data-group=promoters]").click()
    expect(page.locator("#responses tbody tr[data-response]")).to_have_count(1)
    assert csp_errors == []
