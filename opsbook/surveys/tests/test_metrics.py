"""The "surveys" metric family against a plain-Python count of the same rows, across the
month boundary at midnight Shanghai time."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from opsbook.accounts.testing import make_user
from opsbook.metrics import registry
from opsbook.metrics.periods import month
from opsbook.metrics.registry import Windows
from opsbook.surveys import services
from opsbook.surveys.choices import QuestionKind, Via
from opsbook.surveys.metrics import FAMILY, NPS, RESPONSE_RATE, RESPONSES
from opsbook.surveys.models import Answer, Invitation, Response
from opsbook.surveys.testing import answers, make_survey

pytestmark = pytest.mark.django_db

NOV = month(2026, 11)
MIDNIGHT = datetime(2026, 10, 31, 16, 0, tzinfo=UTC)  # 2026-11-01 00:00 in Shanghai
KEYS = [NPS, RESPONSE_RATE, RESPONSES]


def send(personas, survey, contacts, at):
    campaign = services.do_create_campaign(
        personas.mia,
        survey,
        name=f"c{at:%Y%m%d%H%M%S}",
        contacts=contacts,
        closes_at=at + timedelta(days=60),
        now=at,
    )
    services.do_send_campaign(personas.mia, campaign, at)
    return campaign


def respond(survey, campaign, contact, nps, at):
    invitation = Invitation.objects.get(campaign=campaign, contact=contact)
    services.do_submit_response(
        invitation, answers(survey, nps=nps, rating=3), via=Via.LINK, now=at
    )


@pytest.fixture
def data(personas):
    dina = make_user("dina", "customer", customer=personas.customer_a)
    dana, carl = personas.dana, personas.carl
    survey = make_survey(personas.mia, now=datetime(2025, 11, 1, tzinfo=UTC))
    # A second survey whose questions have no NPS question.
    plain = services.do_create_survey(personas.mia, title="无 NPS", now=MIDNIGHT)
    services.do_add_question(personas.mia, plain, kind=QuestionKind.RATING, text="评分")
    last_year = send(personas, survey, [dana], datetime(2025, 11, 15, 3, tzinfo=UTC))
    respond(survey, last_year, dana, 0, datetime(2025, 11, 16, 3, tzinfo=UTC))
    october = send(personas, survey, [dana, dina], MIDNIGHT - timedelta(seconds=1))
    respond(survey, october, dana, 10, MIDNIGHT + timedelta(minutes=30))
    november = send(personas, survey, [carl, dana], MIDNIGHT)
    respond(survey, november, carl, 5, datetime(2026, 11, 5, tzinfo=UTC))
    respond(survey, november, dana, 9, datetime(2026, 11, 30, 15, 59, tzinfo=UTC))
    late = send(personas, survey, [carl], datetime(2026, 11, 30, 16, 0, tzinfo=UTC))  # December
    respond(survey, late, carl, 10, datetime(2026, 11, 30, 16, 5, tzinfo=UTC))
    no_nps = send(personas, plain, [dina], datetime(2026, 11, 3, tzinfo=UTC))
    services.do_submit_response(
        Invitation.objects.get(campaign=no_nps),
        {plain.questions.get().field_name: "4"},
        via=Via.LINK,
        now=datetime(2026, 11, 3, 1, tzinfo=UTC),
    )
    return survey


def independent(period, customer=None):
    """The figures by plain Python over every row, written apart from the SQL."""
    start, end = period.start_at(), period.end_at()
    responses = [
        r
        for r in Response.objects.select_related("customer")
        if start <= r.submitted_at < end
        and (customer is None or (r.customer is not None and r.customer.code == customer))
    ]
    scores: list[int] = [
        a.score
        for a in Answer.objects.select_related("question", "response__customer")
        if a.question.kind == "nps" and a.response in responses and a.score is not None
    ]
    invitations = [
        i
        for i in Invitation.objects.select_related("customer")
        if start <= i.sent_at < end
        and (customer is None or (i.customer is not None and i.customer.code == customer))
    ]
    answered = [i for i in invitations if i.responded_at is not None]
    nps = None
    if scores:
        promoters = sum(1 for s in scores if s >= 9)
        detractors = sum(1 for s in scores if s <= 6)
        nps = 100 * (promoters - detractors) / len(scores)
    rate = len(answered) / len(invitations) if invitations else None
    return {NPS: nps, RESPONSE_RATE: rate, RESPONSES: float(len(responses))}


def test_the_family_is_registered_with_its_metrics():
    assert registry.family_of(NPS) is FAMILY
    assert {m.key for m in registry.metrics() if m.family == "surveys"} == set(KEYS)
    metric = registry.get(NPS)
    assert metric is not None
    assert metric.dimensions == frozenset({"customer"})


def test_the_figures_of_a_month_with_previous_and_last_year(data):
    now = datetime(2026, 12, 5, tzinfo=UTC)
    results = FAMILY.compute(KEYS, Windows.of(NOV), by=None, scope={}, now=now)
    nov = {k: results[k]["current"][None] for k in KEYS}
    # In November (Shanghai): responses of dana (10, 00:30 on the 1st), carl (5), dana (9,
    # 23:59 on the 30th) and dina's rating-only one; carl's 10 at 00:05 on 1 December is not.
    assert nov[RESPONSES].value == 4
    assert nov[NPS].value == pytest.approx(100 * (2 - 1) / 3)
    assert (nov[NPS].numerator, nov[NPS].denominator) == (1, 3)
    # Sent in November: carl and dana (both answered) and dina's rating survey (answered).
    assert nov[RESPONSE_RATE].value == pytest.approx(1.0)
    oct_ = {k: results[k]["previous"][None] for k in KEYS}
    assert oct_[RESPONSES].value == 0
    assert oct_[NPS].value is None
    # Sent on 31 October 23:59:59: dana answered (in November), dina did not.
    assert oct_[RESPONSE_RATE].value == pytest.approx(0.5)
    last = {k: results[k]["last_year"][None] for k in KEYS}
    assert last[NPS].value == pytest.approx(-100.0)
    assert last[RESPONSE_RATE].value == pytest.approx(1.0)
    for window, period in Windows.of(NOV).items():
        expected = independent(period)
        for key in KEYS:
            got = results[key][window][None].value
            assert got == pytest.approx(expected[key]) if expected[key] is not None else got is None


def test_cut_and_scoped_by_customer(data, personas):
    now = datetime(2026, 12, 5, tzinfo=UTC)
    results = FAMILY.compute(KEYS, Windows.of(NOV), by="customer", scope={}, now=now)
    by = results[NPS]["current"]
    assert by["xinghuo"].value == pytest.approx(100.0)
    assert by["mingyuan"].value == pytest.approx(-100.0)
    for code in ("xinghuo", "mingyuan"):
        expected = independent(NOV, code)
        for key in KEYS:
            got = results[key]["current"][code].value
            assert got == pytest.approx(expected[key]) if expected[key] is not None else got is None
    scoped = FAMILY.compute(KEYS, Windows.of(NOV), by=None, scope={"customer": "mingyuan"}, now=now)
    assert scoped[NPS]["current"][None].value == pytest.approx(-100.0)
    assert scoped[RESPONSES]["current"][None].value == 1
    with pytest.raises(ValueError):
        FAMILY.compute(KEYS, Windows.of(NOV), by="owner", scope={}, now=now)


def test_the_drill_down_rows_count_as_the_figure(data):
    now = datetime(2026, 12, 5, tzinfo=UTC)
    results = FAMILY.compute(KEYS, Windows.of(NOV), by=None, scope={}, now=now)
    current = {k: results[k]["current"][None] for k in KEYS}
    assert FAMILY.rows(NPS, NOV, scope={}, part="value", now=now).count() == current[NPS].count
    assert FAMILY.rows(RESPONSES, NOV, scope={}, part="value", now=now).count() == 4
    rate = current[RESPONSE_RATE]
    assert (
        FAMILY.rows(RESPONSE_RATE, NOV, scope={}, part="value", now=now).count() == rate.numerator
    )
    assert (
        FAMILY.rows(RESPONSE_RATE, NOV, scope={}, part="denominator", now=now).count()
        == rate.denominator
    )
    scoped = FAMILY.rows(NPS, NOV, scope={"customer": "mingyuan"}, part="value", now=now)
    assert scoped.count() == 1


def test_the_family_computes_in_one_query_per_metric(data, django_assert_num_queries):
    now = datetime(2026, 12, 5, tzinfo=UTC)
    with django_assert_num_queries(3):
        FAMILY.compute(KEYS, Windows.of(NOV), by=None, scope={}, now=now)
    with django_assert_num_queries(6):
        FAMILY.compute(KEYS, Windows.of(NOV), by="customer", scope={}, now=now)


def test_the_metrics_drill_down_page_lists_the_rows_behind_each_figure(client, data, personas):
    now = datetime(2026, 12, 5, tzinfo=UTC)
    results = FAMILY.compute(KEYS, Windows.of(NOV), by="customer", scope={}, now=now)
    client.force_login(personas.vera)
    url = reverse("surveys:metric_rows")
    cases = [
        ({"metric": NPS, "period": "2026-11"}, results[NPS]["current"][None].count),
        ({"metric": RESPONSES, "period": "2026-11"}, results[RESPONSES]["current"][None].count),
        (
            {"metric": RESPONSES, "period": "2026-11", "customer": "mingyuan"},
            results[RESPONSES]["current"]["mingyuan"].count,
        ),
        (
            {"metric": RESPONSE_RATE, "period": "2026-10"},
            results[RESPONSE_RATE]["previous"][None].numerator,
        ),
        (
            {"metric": RESPONSE_RATE, "period": "2026-10", "part": "denominator"},
            results[RESPONSE_RATE]["previous"][None].denominator,
        ),
    ]
    for params, expected in cases:
        page = client.get(url, params)
        assert page.status_code == 200, params
        assert page.text.count("data-row=") == expected, params
    for bad in (
        {"metric": "tickets.created", "period": "2026-11"},
        {"metric": NPS, "period": "2026-13"},
        {"metric": NPS, "period": "2026-11", "part": "everything"},
    ):
        assert client.get(url, bad).status_code == 404, bad
