"""A service standard's business calendar in the 服务标准 cell: written on export only when the
standard names one, read back on import by name, so export → import keeps it."""

import io

import pytest
import python_calamine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from opsbook.audit.models import AuditEntry
from opsbook.calendars.services import do_create_calendar
from opsbook.catalog import services as catalog
from opsbook.catalog.choices import Channel, Priority, TimeBasis
from opsbook.catalog.excel import textformats as tf
from opsbook.catalog.excel.exporter import export_catalog
from opsbook.catalog.excel.textformats import StandardSpec
from opsbook.catalog.models import ServiceContent, ServiceItem, ServiceStandard
from opsbook.catalog.signals import standards_changed
from opsbook.catalog.testing import make_content, make_item

from .excel_helpers import counts, messages, row, run, table, xlsx

# --- The cell grammar -------------------------------------------------------------------------


def bare(parse):
    """``parse`` with the verbatim text left out of each spec: these tests are about the
    structure read from the text (issue 8 added ``text``)."""

    def without_text(value):
        return tuple(spec._replace(text="") for spec in parse(value))

    return without_text


def test_a_calendar_in_brackets_names_the_standards_calendar():
    assert bare(tf.parse_standards)(
        "电话：响应≤5分钟，解决≤4小时（工作时间）（日历：上海客服日历）"
    ) == (StandardSpec("phone", "", 5, 240, "business", calendar="上海客服日历"),)


@pytest.mark.parametrize(
    "text",
    [
        "phone: response<=5min, resolution<=4h (business) (calendar: Berlin office)",
        "phone: response<=5min, resolution<=4h (Calendar:Berlin office)",
        "电话：响应≤5分钟，解决≤4小时（工作日历：Berlin office）",
        "电话：响应≤5分钟，解决≤4小时（日历: Berlin office）（工作时间）",
    ],
)
def test_the_calendar_remark_is_understood_in_english_and_chinese_and_in_any_place(text):
    assert bare(tf.parse_standards)(text) == (
        StandardSpec("phone", "", 5, 240, "business", calendar="Berlin office"),
    )


def test_a_calendar_and_a_remark_can_be_given_together_in_either_order():
    canonical = "在线客服/紧急：响应≤1分钟（日历时间）（日历：上海客服日历）（节假日同样适用）"
    swapped = "在线客服/紧急：响应≤1分钟（节假日同样适用）（日历：上海客服日历）（日历时间）"
    expected = StandardSpec(
        "chat", "urgent", 1, None, "calendar", "节假日同样适用", calendar="上海客服日历"
    )

    assert bare(tf.parse_standards)(canonical) == (expected,)
    assert bare(tf.parse_standards)(swapped) == (expected,)
    assert tf.format_standards([expected]) == canonical


def test_the_bare_calendar_word_is_still_the_time_basis():
    (spec,) = tf.parse_standards("phone: response<=5min (calendar)")

    assert (spec.time_basis, spec.calendar) == (TimeBasis.CALENDAR, None)


def test_a_standard_without_a_calendar_is_written_exactly_as_before():
    specs = [
        StandardSpec(Channel.PHONE, "", 5, 240, TimeBasis.BUSINESS),
        StandardSpec(Channel.EMAIL, "", 1440, None, TimeBasis.CALENDAR, "节假日顺延"),
    ]

    assert tf.format_standards(specs) == (
        "电话：响应≤5分钟，解决≤4小时（工作时间）；邮件：响应≤1天（日历时间）（节假日顺延）"
    )


def test_calendar_names_with_brackets_and_separators_survive_a_round_trip():
    specs = (
        StandardSpec(Channel.PHONE, "", 5, None, calendar="上海（浦东）客服"),
        StandardSpec(Channel.EMAIL, "", 60, None, calendar="A；B (night)", description="x（y）"),
    )

    text = tf.format_standards(specs)

    assert text == (
        "电话：响应≤5分钟（工作时间）（日历：上海（浦东）客服）；"
        '"邮件：响应≤1小时（工作时间）（日历：A；B (night)）（x（y））"'  # issue 8: quoted
    )
    assert bare(tf.parse_standards)(text) == specs


def test_a_remark_that_reads_like_a_calendar_stays_a_remark():
    spec = StandardSpec(Channel.PHONE, "", 5, None, description="日历：以学校校历为准")

    text = tf.format_standards([spec])

    assert text == "电话：响应≤5分钟（工作时间）（日历：）（日历：以学校校历为准）"
    assert bare(tf.parse_standards)(text) == (spec,)


def test_three_remarks_besides_the_calendar_are_kept_as_written():
    # Issue 8: what the strict grammar cannot read is read as a sentence, not refused.
    text = "电话：响应≤5分钟（日历：A）（备注一）（备注二）"
    (spec,) = tf.parse_standards(text)
    assert spec.text == text
    assert spec.response_minutes == 5


_names = st.text(
    alphabet=st.sampled_from("上海客服日历BerlinOffice （）()；;:：工作时间日历"),
    min_size=1,
    max_size=16,
).map(str.strip)
_remarks = st.text(
    alphabet=st.sampled_from("节假日顺延夜间值班（）()；:：日历工作时间calendar "), max_size=16
).map(str.strip)


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += char in "(（"
        depth -= char in ")）"
        if depth < 0:
            return False
    return depth == 0


standards_with_calendars = st.builds(
    StandardSpec,
    channel=st.sampled_from(list(Channel)),
    priority=st.sampled_from(["", *Priority]),
    response_minutes=st.integers(min_value=1, max_value=60 * 24 * 30),
    resolution_minutes=st.none() | st.integers(min_value=1, max_value=60 * 24 * 30),
    time_basis=st.sampled_from(list(TimeBasis)),
    description=_remarks.filter(_balanced),
    calendar=st.none() | _names.filter(lambda n: n and _balanced(n)),
    followup_minutes=st.none(),
    lead_days=st.none(),
    due_day=st.none(),
    min_staff=st.none(),
    text=st.just(""),
)


@given(st.lists(standards_with_calendars, max_size=4))
def test_standards_with_calendars_survive_format_then_parse(specs):
    assert bare(tf.parse_standards)(tf.format_standards(specs)) == tuple(specs)


# --- Import and export ------------------------------------------------------------------------


@pytest.fixture
def calendars(db):
    return (
        do_create_calendar(None, name="上海客服日历", time_zone="Asia/Shanghai"),
        do_create_calendar(None, name="Berlin office", time_zone="Europe/Berlin"),
    )


@pytest.fixture
def checklist(calendars):
    """An item whose own standards and whose content's standards name calendars."""
    shanghai, berlin = calendars
    item = make_item(name="400热线")
    catalog.do_update_item(
        None,
        item,
        parts=catalog.Parts(
            standards=[
                ServiceStandard(channel="phone", response_minutes=5, resolution_minutes=240),
                ServiceStandard(
                    channel="email",
                    response_minutes=1440,
                    time_basis="calendar",
                    calendar=berlin,
                    description="节假日顺延",
                ),
            ]
        ),
        source="test",
    )
    content = make_content(item, name="接听来电")
    catalog.do_update_content(
        None,
        content,
        parts=catalog.Parts(
            standards=[
                ServiceStandard(
                    channel="chat", priority="urgent", response_minutes=1, calendar=shanghai
                )
            ]
        ),
        source="test",
    )
    item.refresh_from_db()
    content.refresh_from_db()
    return item, content


def _standards_cells(data: bytes) -> list[str]:
    sheet = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    rows = sheet.get_sheet_by_name("服务清单").to_python()
    column = rows[0].index("服务标准")
    return [str(r[column]) for r in rows[1:]]


def _standards(entry) -> list[tuple]:
    return list(
        ServiceStandard.objects.filter(
            item=entry if isinstance(entry, ServiceItem) else entry.item,
            content=entry if isinstance(entry, ServiceContent) else None,
        ).values_list("channel", "calendar__name", "description")
    )


def test_the_export_names_a_standards_calendar_only_when_it_has_one(checklist):
    assert _standards_cells(export_catalog()) == [
        "电话：响应≤5分钟，解决≤4小时（工作时间）；"
        "邮件：响应≤1天（日历时间）（日历：Berlin office）（节假日顺延）",
        "在线客服/紧急：响应≤1分钟（工作时间）（日历：上海客服日历）",
    ]


def test_export_then_import_keeps_every_calendar_and_changes_nothing(checklist, personas):
    item, content = checklist
    before = counts()
    exported = export_catalog()

    report = run(exported, filename="导出.xlsx", actor=personas.mia)
    again = run(exported, filename="导出.xlsx", actor=personas.mia)

    for result in (report, again):
        assert result.ok, result.problems
        assert result.summary["items"] == {"created": 0, "updated": 0, "unchanged": 1}
        assert result.summary["contents"] == {"created": 0, "updated": 0, "unchanged": 1}
    assert counts() == before  # no audit entry either
    assert _standards(item) == [
        ("phone", None, ""),
        ("email", "Berlin office", "节假日顺延"),
    ]
    assert _standards(content) == [("chat", "上海客服日历", "")]
    assert ServiceItem.objects.get().version == item.version
    assert ServiceContent.objects.get().version == content.version
    assert _standards_cells(export_catalog()) == _standards_cells(exported)


def test_a_new_checklist_takes_its_calendars_from_the_cells_written_any_way(calendars):
    report = run(
        xlsx(
            table(
                [
                    row(
                        一级分类="客户服务",
                        服务项目="400热线",
                        服务标准="电话：响应≤5分钟（工作时间）（日历：berlin　OFFICE）",
                    ),
                    row(
                        一级分类="客户服务",
                        服务项目="400热线",
                        服务内容="接听来电",
                        服务标准=(
                            "phone: response<=5min (calendar: 上海客服日历)；"
                            "邮件：响应≤1天（日历时间）"
                        ),
                    ),
                ]
            )
        )
    )

    assert report.ok, report.problems
    item = ServiceItem.objects.get()
    assert _standards(item) == [("phone", "Berlin office", "")]
    assert _standards(item.contents.get()) == [("phone", "上海客服日历", ""), ("email", None, "")]
    created = AuditEntry.objects.for_object(item).get()
    assert created.changes["standards"] == [[], ["phone response<=5m business @Berlin office"]]


def test_an_unknown_calendar_is_refused_at_its_cell_and_nothing_is_written(calendars):
    before = counts()

    report = run(
        xlsx(
            table(
                [
                    row(一级分类="客户服务", 服务项目="400热线", 服务内容="接听来电"),
                    row(
                        一级分类="客户服务",
                        服务项目="400热线",
                        服务内容="回访",
                        服务标准="电话：响应≤5分钟（工作时间）（日历：北京客服日历）",
                    ),
                ]
            )
        )
    )

    assert not report.ok
    (problem,) = report.problems
    assert (problem.sheet, problem.row, problem.column) == ("服务清单", 3, "服务标准")
    assert "北京客服日历" in problem.message
    assert "Berlin office" in problem.message  # the calendars there are, to pick from
    assert messages(report) == [f"服务清单!R3 C(服务标准): {problem.message}"]
    assert counts() == before


def test_a_name_that_fits_two_calendars_only_loosely_is_refused(calendars):
    do_create_calendar(None, name="berlin office", time_zone="Europe/Berlin")

    exact = run(
        xlsx(
            table(
                [
                    row(
                        一级分类="客户服务",
                        服务项目="A",
                        服务标准="电话：响应≤5分钟（日历：berlin office）",
                    )
                ]
            )
        )
    )
    loose = run(
        xlsx(
            table(
                [
                    row(
                        一级分类="客户服务",
                        服务项目="B",
                        服务标准="电话：响应≤5分钟（日历：BERLIN OFFICE）",
                    )
                ]
            )
        )
    )

    assert exact.ok, exact.problems
    assert _standards(ServiceItem.objects.get(name="A")) == [("phone", "berlin office", "")]
    assert not loose.ok
    assert "ambiguous" in loose.problems[0].message


def test_a_changed_calendar_is_an_update_recorded_in_the_history(
    checklist, calendars, personas, django_capture_on_commit_callbacks
):
    item, content = checklist
    shanghai, _berlin = calendars
    exported = _standards_cells(export_catalog())
    sent = []
    standards_changed.connect(lambda sender, item_id, **kw: sent.append(item_id), weak=False,
                              dispatch_uid="test_excel_calendar")  # fmt: skip
    cells = [
        row(
            一级分类="客户服务",
            项目编号=item.code,
            服务项目="400热线",
            服务频率="每日",
            服务标准=exported[0].replace("Berlin office", "上海客服日历"),
        ),
        row(
            一级分类="客户服务",
            项目编号=item.code,
            服务项目="400热线",
            内容编号=content.code,
            服务内容="接听来电",
            服务频率="工作日每天",
            服务标准="在线客服/紧急：响应≤1分钟（工作时间）",
        ),
    ]

    try:
        with django_capture_on_commit_callbacks(execute=True):
            report = run(xlsx(table(cells)), actor=personas.mia)
    finally:
        standards_changed.disconnect(dispatch_uid="test_excel_calendar")

    assert report.ok, report.problems
    assert report.summary["items"]["updated"] == 1
    assert report.summary["contents"]["updated"] == 1
    assert _standards(item)[1] == ("email", "上海客服日历", "节假日顺延")
    assert _standards(content) == [("chat", None, "")]
    item_entry = AuditEntry.objects.for_object(item).filter(source="import").get()
    assert item_entry.actor == personas.mia
    assert item_entry.changes["standards"] == [
        [
            "phone response<=5m resolution<=240m business",
            "email response<=1440m calendar @Berlin office 节假日顺延",
        ],
        [
            "phone response<=5m resolution<=240m business",
            "email response<=1440m calendar @上海客服日历 节假日顺延",
        ],
    ]
    content_entry = AuditEntry.objects.for_object(content).filter(source="import").get()
    assert content_entry.changes["standards"] == [
        ["chat urgent response<=1m business @上海客服日历"],
        ["chat urgent response<=1m business"],
    ]
    assert ServiceItem.objects.get().version == item.version + 1
    assert sent == [item.pk]  # its open tickets are measured again, once
    assert shanghai.standards.count() == 1


def test_reading_calendars_costs_one_query_however_many_rows_name_them(calendars):
    def workbook(n: int) -> bytes:
        return xlsx(
            table(
                [
                    row(
                        一级分类="客户服务",
                        服务项目="400热线",
                        服务内容=f"内容{i}",
                        服务标准=f"电话：响应≤{i + 1}分钟（日历：{calendars[i % 2].name}）",
                    )
                    for i in range(n)
                ]
            )
        )

    small, large = workbook(3), workbook(60)
    with CaptureQueriesContext(connection) as three:
        assert run(small, dry_run=True).ok
    with CaptureQueriesContext(connection) as sixty:
        assert run(large, dry_run=True).ok

    assert len(sixty.captured_queries) == len(three.captured_queries)
    calendar_reads = [q for q in sixty.captured_queries if 'FROM "calendars_calendar"' in q["sql"]]
    assert len(calendar_reads) == 1


def test_a_file_that_names_no_calendar_never_reads_the_calendars(calendars):
    data = xlsx(table([row(一级分类="客户服务", 服务项目="400热线", 服务标准="电话：响应≤5分钟")]))

    with CaptureQueriesContext(connection) as queries:
        assert run(data, dry_run=True).ok

    assert not [q for q in queries.captured_queries if 'FROM "calendars_calendar"' in q["sql"]]


def test_naming_a_calendar_before_any_exists_says_there_are_none(db):
    report = run(
        xlsx(
            table(
                [
                    row(
                        一级分类="客户服务",
                        服务项目="400热线",
                        服务标准="电话：响应≤5分钟（日历：A）",
                    )
                ]
            )
        )
    )

    assert [p.message for p in report.problems] == [
        "Unknown calendar A: there are no business calendars yet."
    ]
