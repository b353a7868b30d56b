"""Publishing: the document frozen into a version that never changes, corrections as new
versions with a change note, the distribution (inbox, e-mail, chat cards, the customer's
contacts) and readers' ratings."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from opsbook.notify.choices import ChannelKind, DeliveryStatus, Event
from opsbook.notify.models import Channel, Delivery, Notification
from opsbook.reports import access, drafting, services
from opsbook.reports.choices import RecipientKind, ReportStatus
from opsbook.reports.models import Distribution, Feedback, ReportVersion

from .workflow_helpers import NOW, make_report, make_template


def approved(personas, *, customer=None, at=NOW, code="monthly"):
    report = make_report(make_template(personas, customer=customer, code=code))
    services.do_submit(report, actor=personas.bob, now=at)
    services.do_approve(report, actor=personas.mia, now=at)
    return report


def test_publishing_freezes_the_document_as_version_one(personas):
    report = approved(personas)
    section = report.sections.get(key="overview")
    section.edited = "本月工单 {{tickets.created:value}} 件，响应率 {{sla.response_rate:value}}。"
    section.is_edited = True
    section.save()
    version = services.do_publish(report, actor=personas.mia, now=NOW + timedelta(hours=2))
    report.refresh_from_db()
    assert report.status == ReportStatus.PUBLISHED
    assert (report.published_version, report.published_at) == (1, NOW + timedelta(hours=2))
    assert version.number == 1 and version.published_by == personas.mia
    assert version.document["status"] == "published" and version.document["version"] == 1
    overview = version.document["sections"][0]["narrative"]
    assert overview["text"] == "本月工单 1,234 件，响应率 95.2%。"
    assert overview["edited"] is True


def test_a_published_version_never_changes(personas):
    version = services.do_publish(approved(personas), actor=personas.mia, now=NOW)
    version.document["title"] = "改过的"
    with pytest.raises(ValidationError):
        version.save()
    with pytest.raises(ValidationError):
        ReportVersion.objects.filter(pk=version.pk).update(title="改过的")
    with pytest.raises(ValidationError):
        ReportVersion.objects.filter(pk=version.pk).delete()
    with pytest.raises(ValidationError):
        version.delete()
    stored = ReportVersion.objects.get(pk=version.pk)
    assert stored.document["title"] == stored.title == "2026年11月运营服务月报"


def test_a_draft_edit_after_publishing_leaves_the_version_alone(personas):
    report = approved(personas)
    version = services.do_publish(report, actor=personas.mia, now=NOW)
    services.do_start_correction(report, actor=personas.mia, now=NOW, reason="数字有误")
    report.refresh_from_db()
    report.document["sections"][0]["narrative"]["text"] = "改写"
    report.save()
    version.refresh_from_db()
    assert version.document["sections"][0]["narrative"]["text"] != "改写"


def test_only_managers_publish(personas):
    report = approved(personas)
    for who in ("bob", "alice", "vera"):
        with pytest.raises(PermissionDenied):
            services.do_publish(report, actor=getattr(personas, who), now=NOW)
    assert not ReportVersion.objects.exists()


def test_a_correction_makes_version_two_with_a_required_change_note(personas):
    report = approved(personas)
    first = services.do_publish(report, actor=personas.mia, now=NOW)
    with pytest.raises(ValidationError, match="why"):
        services.do_start_correction(report, actor=personas.mia, now=NOW, reason="")
    with pytest.raises(PermissionDenied):
        services.do_start_correction(report, actor=personas.bob, now=NOW, reason="x")
    services.do_start_correction(report, actor=personas.mia, now=NOW, reason="满意度口径错误")
    assert report.status == ReportStatus.DRAFT and report.document["status"] == "draft"
    later = NOW + timedelta(days=2)
    services.do_submit(report, actor=personas.bob, now=later)
    services.do_approve(report, actor=personas.mia, now=later)
    with pytest.raises(ValidationError, match="change note"):
        services.do_publish(report, actor=personas.mia, now=later)
    second = services.do_publish(
        report, actor=personas.mia, now=later, change_note="更正满意度口径"
    )
    assert second.number == 2 and second.change_note == "更正满意度口径"
    assert second.document["version"] == 2
    assert list(report.versions.values_list("number", flat=True)) == [2, 1]
    first.refresh_from_db()
    assert first.document["version"] == 1
    report.refresh_from_db()
    assert report.published_version == 2


def test_on_time_is_the_first_submission_by_the_end_of_the_deadline_day(personas):
    # The deadline is 7 December; 23:59 in Shanghai that day is 15:59 UTC.
    in_time = approved(personas, at=datetime(2026, 12, 7, 15, 59, tzinfo=UTC))
    assert services.do_publish(in_time, actor=personas.mia, now=NOW).on_time is True
    late = approved(personas, at=datetime(2026, 12, 7, 16, 0, tzinfo=UTC), code="late")
    assert services.do_publish(late, actor=personas.mia, now=NOW).on_time is False


def test_publishing_sends_to_everyone_on_the_list(personas):
    report = approved(personas)
    wecom = Channel.objects.create(
        name="运营群", kind=ChannelKind.WECOM, url="https://qyapi.weixin.qq.com/x"
    )
    personas.mia.email = "mia@example.com"
    personas.mia.language = "en"  # notifications are written in each reader's language
    personas.mia.save()
    services.do_save_recipients(
        report.template,
        [
            {"kind": RecipientKind.USER, "user": personas.mia},
            {"kind": RecipientKind.EMAIL, "email": "Boss@Example.com"},
            {"kind": RecipientKind.CHANNEL, "channel": wecom},
        ],
        actor=personas.mia,
        now=NOW,
    )
    version = services.do_publish(report, actor=personas.mia, now=NOW)
    rows = {(d.kind, d.target) for d in Distribution.objects.filter(version=version)}
    assert rows == {
        (RecipientKind.USER, personas.mia.label),
        (RecipientKind.EMAIL, "boss@example.com"),
        (RecipientKind.CHANNEL, "运营群"),
    }
    inbox = Notification.objects.get(user=personas.mia, event=Event.REPORT_PUBLISHED)
    assert inbox.title == "Published: 2026年11月运营服务月报"
    outbox = {(d.kind, d.address or str(d.channel)) for d in Delivery.objects.all()}
    assert outbox == {
        (ChannelKind.EMAIL, "mia@example.com"),
        (ChannelKind.EMAIL, "boss@example.com"),
        (ChannelKind.WECOM, "运营群"),
    }
    card = Delivery.objects.get(channel=wecom)
    assert card.status == DeliveryStatus.PENDING
    assert "1,234" in card.body and card.link.endswith("/versions/1/")
    # A second distribution of the same version sends nothing again.
    assert services.distribute(version, now=NOW) == []
    assert Delivery.objects.count() == 3


def test_a_customer_report_goes_to_that_customers_contacts_only(personas):
    personas.dana.email = "dana@example.com"
    personas.dana.save()
    personas.carl.email = "carl@example.com"
    personas.carl.save()
    report = approved(personas, customer=personas.customer_a, code="xinghuo")
    services.do_save_recipients(
        report.template, [{"kind": RecipientKind.CUSTOMER}], actor=personas.mia, now=NOW
    )
    version = services.do_publish(report, actor=personas.mia, now=NOW)
    targets = sorted(Distribution.objects.filter(version=version).values_list("target", flat=True))
    assert targets == sorted([personas.dana.label, "Portal: 星火教育"])
    mail = Delivery.objects.get()
    assert mail.address == "dana@example.com"
    assert "/portal/" in mail.link
    # A contact has no inbox: the e-mail and the portal are theirs.
    assert not Notification.objects.exists()


def test_a_customer_contact_cannot_be_on_another_customers_list(personas):
    template = make_template(personas, customer=personas.customer_a, code="xinghuo")
    with pytest.raises(ValidationError, match="own customer"):
        services.do_save_recipients(
            template,
            [{"kind": RecipientKind.USER, "user": personas.carl}],
            actor=personas.mia,
            now=NOW,
        )
    services.do_save_recipients(
        template, [{"kind": RecipientKind.USER, "user": personas.dana}], actor=personas.mia, now=NOW
    )
    assert template.recipients.get().user == personas.dana


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"kind": RecipientKind.EMAIL, "email": "not-an-address"}, "not an e-mail address"),
        ({"kind": RecipientKind.CHANNEL, "channel": None}, "active chat channel"),
        ({"kind": RecipientKind.CUSTOMER}, "only a customer"),
        ({"kind": "fax"}, "choose a user"),
    ],
)
def test_bad_distribution_entries_are_refused_and_the_list_is_kept(personas, entry, message):
    template = make_template(personas)
    services.do_save_recipients(
        template, [{"kind": RecipientKind.EMAIL, "email": "a@example.com"}], actor=None, now=NOW
    )
    with pytest.raises(ValidationError, match=message):
        services.do_save_recipients(template, [entry], actor=personas.mia, now=NOW)
    assert list(template.recipients.values_list("email", flat=True)) == ["a@example.com"]


def test_only_managers_change_the_distribution_list(personas):
    template = make_template(personas)
    with pytest.raises(PermissionDenied):
        services.do_save_recipients(template, [], actor=personas.bob, now=NOW)


def test_readers_rate_once_and_may_change_their_rating(personas):
    version = services.do_publish(approved(personas), actor=personas.mia, now=NOW)
    services.do_rate(version, reader=personas.vera, rating=3, comment="图表偏少", now=NOW)
    services.do_rate(version, reader=personas.vera, rating=4, comment="还行", now=NOW)
    feedback = Feedback.objects.get()
    assert (feedback.reader, feedback.rating, feedback.comment) == (personas.vera, 4, "还行")
    for bad in (0, 6, "x"):
        with pytest.raises(ValidationError, match="1 to 5"):
            services.do_rate(version, reader=personas.alice, rating=bad, now=NOW)


def test_customers_rate_only_their_own_customer_reports(personas):
    own = services.do_publish(
        approved(personas, customer=personas.customer_a, code="xinghuo"),
        actor=personas.mia,
        now=NOW,
    )
    organisation = services.do_publish(approved(personas), actor=personas.mia, now=NOW)
    services.do_rate(own, reader=personas.dana, rating=5, now=NOW)
    with pytest.raises(PermissionDenied):
        services.do_rate(own, reader=personas.carl, rating=5, now=NOW)
    with pytest.raises(PermissionDenied):
        services.do_rate(organisation, reader=personas.dana, rating=5, now=NOW)


def test_a_published_report_is_neither_rebuilt_nor_edited(personas):
    report = approved(personas)
    services.do_publish(report, actor=personas.mia, now=NOW)
    with pytest.raises(ValidationError, match="rebuilt"):
        drafting.do_build_draft(report, actor=None, now=NOW)
    section = report.sections.get(key="overview")
    assert not access.can_edit_section(personas.alice, section)
    assert not access.can_edit_report(personas.mia, report)
    assert report.versions.get().document == ReportVersion.objects.get().document
