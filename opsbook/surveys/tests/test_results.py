"""The campaign page: figures, per-question summaries, drill-down, export, permissions."""

import csv
import io
from datetime import timedelta

import openpyxl
import pytest
from django.urls import reverse

from opsbook.accounts.testing import make_user
from opsbook.surveys import services
from opsbook.surveys.choices import Via
from opsbook.surveys.models import Invitation, Response
from opsbook.surveys.results import campaign_results
from opsbook.surveys.testing import answers

pytestmark = pytest.mark.django_db


def answer(world, contact, **values):
    invitation = Invitation.objects.get(campaign=world.campaign, contact=contact)
    return services.do_submit_response(
        invitation,
        answers(world.survey, **values),
        via=Via.PORTAL,
        now=world.now + timedelta(hours=1),
        actor=contact,
    )


@pytest.fixture
def answered(sent, personas):
    """Five invited; dana promoter (10), carl detractor (3), eve passive (8), dina none."""
    for name in ("eve", "fay"):
        make_user(name, "customer", customer=personas.customer_b)
    sent.campaign.contacts.add(*type(personas.carl).objects.filter(username__in=["eve", "fay"]))
    services.do_send_campaign(personas.mia, sent.campaign, sent.now)
    answer(sent, personas.dana, nps=10, rating=5, channels=["电话"], text='=HYPERLINK("x")')
    answer(sent, personas.carl, nps=3, rating=2, channels=["电话", "门户"], text="太慢")
    eve = type(personas.carl).objects.get(username="eve")
    answer(sent, eve, nps=8, rating=4)
    return sent


def test_results_compute_the_response_rate_and_nps(answered):
    results = campaign_results(answered.campaign)
    assert (results.invited, results.responded) == (5, 3)
    assert results.response_rate == pytest.approx(3 / 5)
    # 1 promoter, 1 detractor of 3: NPS 0.
    assert results.nps == pytest.approx(0.0)
    nps = results.questions[0]
    assert nps.groups == {"promoters": 1, "passives": 1, "detractors": 1}
    assert [n for _label, n, _f in nps.distribution] == [0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 1]
    rating = results.questions[1]
    assert rating.average == pytest.approx(11 / 3)
    channels = results.questions[2]
    assert [(label, n) for label, n, _f in channels.distribution] == [
        ("电话", 2),
        ("门户", 1),
        ("邮件", 0),
    ]
    assert sorted(a.text for a in results.questions[3].texts) == ['=HYPERLINK("x")', "太慢"]


def test_nps_is_promoters_minus_detractors_in_percent(sent, personas):
    answer(sent, personas.dana, nps=9, rating=3)
    answer(sent, personas.carl, nps=10, rating=3)
    results = campaign_results(sent.campaign)
    assert results.nps == pytest.approx(100.0)


def test_the_campaign_page_shows_figures_charts_and_free_text(client, answered, personas):
    client.force_login(personas.alice)  # staff read results
    page = client.get(reverse("surveys:campaign", args=[answered.campaign.pk]))
    assert page.status_code == 200
    assert 'id="response-rate">60.0 %' in page.text
    assert 'id="nps">+0' in page.text
    assert 'id="survey-charts"' in page.text
    assert "echarts.min.js" in page.text
    assert "太慢" in page.text
    assert 'id="send"' not in page.text  # agents do not send


def test_each_figure_drills_down_to_the_responses_behind_it(client, answered, personas):
    client.force_login(personas.mia)
    url = reverse("surveys:responses", args=[answered.campaign.pk])
    nps = answered.survey.questions.get(kind="nps")
    cases = {
        "": 3,
        f"?question={nps.pk}&group=promoters": 1,
        f"?question={nps.pk}&group=passives": 1,
        f"?question={nps.pk}&group=detractors": 1,
        f"?question={nps.pk}&score=3": 1,
        f"?question={nps.pk}&score=4": 0,
        f"?question={answered.survey.questions.get(kind='multiple').pk}&option=电话": 2,
    }
    for query, count in cases.items():
        page = client.get(url + query)
        assert page.status_code == 200, query
        assert page.text.count("data-response=") == count, query
    assert client.get(url + "?question=999999").status_code == 404
    assert client.get(url + f"?question={nps.pk}&group=fans").status_code == 404


def test_the_drill_down_list_runs_a_fixed_number_of_queries(
    client, answered, personas, django_assert_max_num_queries
):
    client.force_login(personas.mia)
    url = reverse("surveys:responses", args=[answered.campaign.pk])
    with django_assert_max_num_queries(12):
        client.get(url)


def test_the_export_is_formula_safe_in_both_formats(client, answered, personas):
    client.force_login(personas.vera)
    url = reverse("surveys:export", args=[answered.campaign.pk])
    text = client.get(url + "?format=csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows[0]) == 9  # five columns about the response, one per question
    assert len(rows) == 4
    cells = [c for row in rows for c in row]
    assert '\'=HYPERLINK("x")' in cells
    assert not any(c.startswith("=") for c in cells)
    book = openpyxl.load_workbook(io.BytesIO(client.get(url + "?format=xlsx").content))
    values = [c.value for row in book.active.iter_rows() for c in row if c.value is not None]
    assert '\'=HYPERLINK("x")' in values
    assert 10 in values  # scores stay numbers
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)
    nps = answered.survey.questions.get(kind="nps")
    only = client.get(url + f"?format=csv&question={nps.pk}&group=promoters")
    assert len(list(csv.reader(io.StringIO(only.content.decode("utf-8-sig"))))) == 2
    assert client.get(url + "?format=pdf").status_code == 404


def test_customers_never_see_staff_survey_pages(client, answered, personas):
    client.force_login(personas.dana)
    for url in (
        reverse("surveys:list"),
        reverse("surveys:campaign", args=[answered.campaign.pk]),
        reverse("surveys:responses", args=[answered.campaign.pk]),
        reverse("surveys:export", args=[answered.campaign.pk]),
    ):
        assert client.get(url).status_code == 404, url


def test_only_managers_create_and_send(client, world, personas):
    client.force_login(personas.alice)
    assert client.get(reverse("surveys:new")).status_code == 403
    assert (
        client.post(reverse("surveys:campaign_send", args=[world.campaign.pk])).status_code == 403
    )
    assert not Invitation.objects.exists()
    client.force_login(personas.mia)
    sent = client.post(reverse("surveys:campaign_send", args=[world.campaign.pk]))
    assert sent.status_code == 302
    assert Invitation.objects.count() == 3
    assert not Response.objects.exists()


def test_a_manager_builds_a_survey_and_a_campaign_in_the_pages(client, personas, frozen_time):
    client.force_login(personas.mia)
    created = client.post(reverse("surveys:new"), {"title": "门户体验调查", "intro": ""})
    assert created.status_code == 302
    survey_url = created["Location"]
    pk = int(survey_url.rstrip("/").rsplit("/", 1)[-1])
    add = reverse("surveys:question_add", args=[pk])
    assert (
        client.post(add, {"kind": "nps", "text": "推荐意愿", "required": "on"}).status_code == 302
    )
    refused = client.post(add, {"kind": "single", "text": "选一个", "options": "唯一"})
    assert refused.status_code == 400
    assert "two options" in refused.text or "两个" in refused.text
    page = client.get(survey_url)
    assert "推荐意愿" in page.text
    form = client.post(
        reverse("surveys:campaign_new", args=[pk]),
        {"name": "11 月", "customers": [personas.customer_a.pk], "closes_on": "2026-11-30"},
    )
    assert form.status_code == 302
    empty = client.post(
        reverse("surveys:campaign_new", args=[pk]), {"name": "空", "closes_on": "2026-11-30"}
    )
    assert empty.status_code == 400
