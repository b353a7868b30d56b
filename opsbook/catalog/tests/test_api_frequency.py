"""GET /api/catalog/frequency reads a phrase the way the checklist does."""

import pytest

from opsbook.catalog.frequency import parse_frequency

from .api_helpers import api_as, error_fields, item_for


@pytest.mark.parametrize("text", ["每周两次", "每月5日前", "工作日每天", "twice a week", "按需"])
def test_it_answers_the_same_structure_as_the_command(personas, text):
    response = api_as(personas.vera).get("/catalog/frequency", text=text)
    assert response.status_code == 200
    assert response.json() == parse_frequency(text).as_dict()


def test_twice_a_week_reads_as_two_times_per_week(personas):
    body = api_as(personas.alice).get("/catalog/frequency", text="每周两次").json()
    assert (body["kind"], body["period"], body["times_per_period"]) == ("recurring", "week", 2)


def test_nonsense_is_a_422_with_the_parsers_message(personas):
    response = api_as(personas.vera).get("/catalog/frequency", text="偶尔吧")
    assert error_fields(response) == {"text"}
    assert "偶尔吧" in response.json()["detail"][0]["msg"]


def test_the_text_is_required(personas):
    assert error_fields(api_as(personas.vera).get("/catalog/frequency")) == {"text"}


def test_items_carry_their_parsed_frequency_and_filter_by_period(personas):
    item_for(code="SVC-1", frequency_text="每周两次")
    item_for(code="SVC-2", frequency_text="每月5日前")
    item_for(code="SVC-3", frequency_text="")
    api = api_as(personas.vera)
    rows = {row["code"]: row for row in api.get("/catalog/items").json()["items"]}
    assert rows["SVC-1"]["frequency"] == parse_frequency("每周两次").as_dict()
    assert rows["SVC-1"]["frequency_period"] == "week"
    assert rows["SVC-3"]["frequency"] is None
    assert rows["SVC-3"]["frequency_period"] is None
    weekly = api.get("/catalog/items", frequency_period="week").json()["items"]
    assert [row["code"] for row in weekly] == ["SVC-1"]
