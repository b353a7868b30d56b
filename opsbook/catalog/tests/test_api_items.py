"""Creating, reading and changing service items through the API."""

from opsbook.calendars.services import do_create_calendar
from opsbook.catalog.models import ServiceItem
from opsbook.catalog.testing import make_category, make_content

from .api_helpers import api_as, error_fields, item_for


def full_item(personas, **extra):
    category = make_category("热线", parent=make_category("客户服务"))
    return {
        "code": "SVC-100",
        "name": "热线电话服务",
        "category_id": category.pk,
        "tier": "advanced",
        "description": "7x24 热线",
        "start_date": "2025-01-01",
        "end_date": "2025-12-31",
        "review_cycle_months": 6,
        "next_review_date": "2025-07-01",
        "owners": [
            {"user": personas.alice.username, "primary": True},
            {"user": personas.bob.pk},
            {"team": "客服部"},
        ],
        "standards": [
            {"channel": "phone", "priority": "urgent", "response_minutes": 5},
            {"channel": "email", "resolution_minutes": 480, "time_basis": "calendar"},
        ],
        "kpis": [{"name": "满意度", "unit": "%", "target": "95.5", "direction": "at_least"}],
        "checkpoints": [{"due_date": "2025-03-31", "title": "一季度复盘"}],
        "resources": [{"kind": "people", "description": "坐席 12 人"}],
        **extra,
    }


def test_a_manager_creates_an_item_with_its_owners_and_parts(personas):
    response = api_as(personas.mia).post("/catalog/items", full_item(personas))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["code"] == "SVC-100"
    assert body["category"]["path"] == ["客户服务", "热线"]
    assert body["tier"] == "advanced"
    assert body["version"] == 1
    assert [(o["username"], o["team"], o["primary"]) for o in body["owners"]] == [
        ("alice", None, True),
        ("bob", None, False),
        (None, "客服部", False),
    ]
    assert body["owners"][0]["display"] == "张三"
    assert body["standards"][0] == {
        "content_id": None,
        "channel": "phone",
        "priority": "urgent",
        "response_minutes": 5,
        "resolution_minutes": None,
        "time_basis": "business",
        "calendar": None,
        "description": "",
        # Issue 8: a standard given as structure gets its canonical text.
        "text": "电话/紧急：响应≤5分钟（工作时间）",
        "followup_minutes": None,
        "lead_days": None,
        "due_day": None,
        "min_staff": None,
        "text_only": False,
    }
    assert body["standards"][1]["priority"] is None
    assert body["kpis"][0]["target"] == 95.5
    assert body["checkpoints"] == [{"due_date": "2025-03-31", "title": "一季度复盘", "done": False}]
    assert body["resources"] == [{"kind": "people", "description": "坐席 12 人"}]
    assert body["contents"] == []
    item = ServiceItem.objects.get(code="SVC-100")
    assert item.ownerships.count() == 3


def test_an_item_without_a_code_gets_the_next_free_one(personas):
    item_for(code="SVC-0001")
    payload = {"name": "工单处理", "category_id": make_category().pk}
    response = api_as(personas.mia).post("/catalog/items", payload)
    assert response.status_code == 201
    assert response.json()["code"] == "SVC-0002"


def test_an_item_reads_by_id_and_by_code_with_its_content(personas):
    item = item_for(personas.alice, code="SVC-7")
    make_content(item, personas.bob, code="SVC-7-01", name="接听来电", frequency_text="")
    api = api_as(personas.vera)
    by_id = api.get(f"/catalog/items/{item.pk}").json()
    by_code = api.get("/catalog/items/by-code/SVC-7").json()
    assert by_id == by_code
    assert [c["code"] for c in by_id["contents"]] == ["SVC-7-01"]
    assert by_id["contents"][0]["owners"][0]["username"] == "bob"
    assert by_id["owners"][0]["username"] == "alice"


def test_patch_changes_only_the_fields_given(personas):
    item = item_for(personas.alice, code="SVC-1", description="旧描述", region="华东")
    response = api_as(personas.mia).patch(f"/catalog/items/{item.pk}", {"description": "新描述"})
    assert response.status_code == 200
    body = response.json()
    assert body["description"] == "新描述"
    assert body["region"] == "华东"
    assert body["version"] == 2
    assert [o["username"] for o in body["owners"]] == ["alice"]


def test_a_nested_list_given_in_patch_replaces_that_kind_of_part_only(personas):
    api = api_as(personas.mia)
    created = api.post("/catalog/items", full_item(personas)).json()
    response = api.patch(
        f"/catalog/items/{created['id']}",
        {"owners": [{"user": personas.charlie.username, "primary": True}], "kpis": []},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert [o["username"] for o in body["owners"]] == ["charlie"]
    assert body["kpis"] == []
    assert len(body["standards"]) == 2


def test_null_clears_an_optional_field_and_blanks_a_text(personas):
    item = item_for(code="SVC-1", description="x", end_date="2030-01-01")
    body = (
        api_as(personas.mia)
        .patch(f"/catalog/items/{item.pk}", {"end_date": None, "description": None})
        .json()
    )
    assert body["end_date"] is None
    assert body["description"] == ""


def test_null_for_a_required_field_is_refused(personas):
    item = item_for(code="SVC-1")
    response = api_as(personas.mia).patch(f"/catalog/items/{item.pk}", {"name": None})
    assert error_fields(response) == {"name"}


def test_a_stale_version_is_a_409_and_changes_nothing(personas):
    item = item_for(code="SVC-1", name="原名")
    api = api_as(personas.mia)
    first = api.patch(f"/catalog/items/{item.pk}", {"name": "第一次", "version": 1})
    assert first.status_code == 200
    second = api.patch(f"/catalog/items/{item.pk}", {"name": "第二次", "version": 1})
    assert second.status_code == 409
    assert "SVC-1" in second.json()["detail"]
    assert api.get(f"/catalog/items/{item.pk}").json()["name"] == "第一次"


def test_the_current_version_goes_through(personas):
    item = item_for(code="SVC-1")
    api = api_as(personas.mia)
    version = api.get(f"/catalog/items/{item.pk}").json()["version"]
    response = api.patch(f"/catalog/items/{item.pk}", {"notes": "ok", "version": version})
    assert response.status_code == 200
    assert response.json()["version"] == version + 1


def test_retiring_an_item_retires_its_content_too(personas):
    item = item_for(code="SVC-1")
    make_content(item, frequency_text="")
    body = api_as(personas.mia).post(f"/catalog/items/{item.pk}/retire").json()
    assert body["status"] == "retired"
    assert [c["status"] for c in body["contents"]] == ["retired"]


def test_standards_and_kpis_of_an_item_include_those_of_its_content(personas):
    api = api_as(personas.mia)
    created = api.post("/catalog/items", full_item(personas)).json()
    content = api.post(
        f"/catalog/items/{created['id']}/contents",
        {
            "name": "接听来电",
            "standards": [{"channel": "chat", "response_minutes": 1}],
            "kpis": [{"name": "接通率", "target": 98, "unit": "%"}],
        },
    ).json()
    standards = api.get(f"/catalog/items/{created['id']}/standards").json()
    assert [(s["channel"], s["content_id"]) for s in standards] == [
        ("phone", None),
        ("email", None),
        ("chat", content["id"]),
    ]
    kpis = api.get(f"/catalog/items/{created['id']}/kpis").json()
    assert [(k["name"], k["content_id"]) for k in kpis] == [
        ("满意度", None),
        ("接通率", content["id"]),
    ]


# --- Invalid input is a 422 that names the field ---------------------------------------------


def test_a_frequency_nobody_can_read_is_a_422_on_frequency_text(personas):
    payload = full_item(personas, frequency_text="偶尔吧")
    response = api_as(personas.mia).post("/catalog/items", payload)
    assert error_fields(response) == {"frequency_text"}
    assert not ServiceItem.objects.exists()


def test_an_end_date_before_the_start_date_is_a_422_on_end_date(personas):
    payload = full_item(personas, start_date="2025-06-01", end_date="2025-01-01")
    response = api_as(personas.mia).post("/catalog/items", payload)
    assert error_fields(response) == {"end_date"}


def test_patching_only_the_end_date_is_checked_against_the_stored_start(personas):
    item = item_for(code="SVC-1", start_date="2025-06-01")
    response = api_as(personas.mia).patch(f"/catalog/items/{item.pk}", {"end_date": "2025-01-01"})
    assert error_fields(response) == {"end_date"}


def test_two_primary_owners_is_a_422_on_owners(personas):
    owners = [{"user": "alice", "primary": True}, {"user": "bob", "primary": True}]
    response = api_as(personas.mia).post("/catalog/items", full_item(personas, owners=owners))
    assert error_fields(response) == {"owners"}


def test_an_owner_must_be_a_user_or_a_team_not_both(personas):
    owners = [{"user": "alice", "team": "客服部", "primary": True}]
    response = api_as(personas.mia).post("/catalog/items", full_item(personas, owners=owners))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][:4] == ["body", "payload", "owners", 0]


def test_an_unknown_owner_is_a_422_not_a_500(personas):
    for owners, field in [
        ([{"user": 999999, "primary": True}], "user"),
        ([{"user": "nobody", "primary": True}], "user"),
        ([{"team": "不存在的部门", "primary": True}], "team"),
    ]:
        response = api_as(personas.mia).post("/catalog/items", full_item(personas, owners=owners))
        assert error_fields(response) == {field}
        assert response.json()["detail"][0]["loc"] == ["body", "payload", "owners", 0, field]


def test_a_customer_contact_cannot_be_made_an_owner(personas):
    owners = [{"user": personas.dana.username, "primary": True}]
    response = api_as(personas.mia).post("/catalog/items", full_item(personas, owners=owners))
    assert error_fields(response) == {"user"}


def test_an_unknown_category_is_a_422_not_a_500(personas):
    response = api_as(personas.mia).post("/catalog/items", full_item(personas, category_id=999999))
    assert error_fields(response) == {"category_id"}


def test_a_missing_name_and_a_bad_tier_are_reported_together(personas):
    payload = full_item(personas, tier="platinum")
    del payload["name"]
    response = api_as(personas.mia).post("/catalog/items", payload)
    assert error_fields(response) == {"name", "tier"}


def test_a_duplicate_code_is_a_422_on_code(personas):
    item_for(code="SVC-100", name="别的服务")
    response = api_as(personas.mia).post("/catalog/items", full_item(personas))
    assert error_fields(response) == {"code"}


def test_a_bad_code_is_a_422_on_code(personas):
    response = api_as(personas.mia).post("/catalog/items", full_item(personas, code="带 空格"))
    assert error_fields(response) == {"code"}


def test_a_standard_without_any_target_is_refused(personas):
    payload = full_item(personas, standards=[{"channel": "phone"}])
    response = api_as(personas.mia).post("/catalog/items", payload)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][:4] == ["body", "payload", "standards", 0]


def test_a_body_that_is_not_json_is_a_400(personas):
    api = api_as(personas.mia)
    response = api.client.post(
        "/api/catalog/items", "not json", content_type="application/json", headers=api.headers
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "Cannot parse request body"}


def test_a_standard_names_its_calendar_by_name_and_an_unknown_one_is_refused(personas):
    do_create_calendar(None, name="上海客服", time_zone="Asia/Shanghai", source="test")
    standards = [{"channel": "email", "resolution_minutes": 60, "calendar": "上海客服"}]
    response = api_as(personas.mia).post("/catalog/items", full_item(personas, standards=standards))
    assert response.status_code == 201, response.content
    assert response.json()["standards"][0]["calendar"] == "上海客服"

    standards[0]["calendar"] = "不存在"
    payload = full_item(personas, code="SVC-101", standards=standards)
    response = api_as(personas.mia).post("/catalog/items", payload)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "calendar"
    assert "不存在" in response.json()["detail"][0]["msg"]
