"""Guards on who a report's figures reach: a template's scope is fixed once it has reports, a
customer report reaches only that customer's contacts, a viewer named editor still only reads,
and a customer rates their own published report in the portal."""

import pytest
import time_machine
from django.core.exceptions import ValidationError

from opsbook.reports import access, services, template_services
from opsbook.reports.blocks import BlockError, get
from opsbook.reports.choices import RecipientKind, TemplateKind
from opsbook.reports.models import Distribution, Feedback, Recipient

from .web_factories import NOW, client_for, make_report, make_template, publish

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_a_customer_template_with_reports_cannot_move_to_another_customer(personas):
    template = make_template("xinghuo", kind=TemplateKind.CUSTOMER, customer=personas.customer_a)
    publish(make_report(template))

    with pytest.raises(ValidationError, match="can no longer change"):
        template_services.do_save_template(
            template, {"customer": personas.customer_b}, actor=personas.mia, now=NOW
        )

    template.refresh_from_db()
    assert template.customer == personas.customer_a
    assert not access.versions_for_user(personas.carl).exists()


def test_a_template_without_reports_may_still_change_its_scope(personas):
    template = make_template("xinghuo", kind=TemplateKind.CUSTOMER, customer=personas.customer_a)

    template_services.do_save_template(
        template, {"customer": personas.customer_b}, actor=personas.mia, now=NOW
    )

    template.refresh_from_db()
    assert template.customer == personas.customer_b


def test_a_customer_report_reaches_only_that_customers_contacts(personas):
    template = make_template("xinghuo", kind=TemplateKind.CUSTOMER, customer=personas.customer_a)
    for contact in (personas.dana, personas.carl):
        Recipient.objects.create(template=template, kind=RecipientKind.USER, user=contact)
    version = publish(make_report(template))

    services.distribute(version, now=NOW)

    targets = " ".join(Distribution.objects.values_list("target", flat=True)).lower()
    assert "dana" in targets
    assert "carl" not in targets


def test_a_viewer_named_editor_still_only_reads(personas):
    template = make_template("monthly")
    template.editor = personas.vera
    template.save()
    report = make_report(template)

    assert not access.can_edit_report(personas.vera, report)
    with pytest.raises(ValidationError):
        template_services.do_save_template(
            template, {"editor": personas.vera}, actor=personas.mia, now=NOW
        )


def test_a_block_title_is_text():
    with pytest.raises(BlockError, match="title"):
        get("figures").clean({"title": 5})


def test_a_contact_rates_their_own_report_in_the_portal(personas):
    mine = make_report(
        make_template("xinghuo", kind=TemplateKind.CUSTOMER, customer=personas.customer_a)
    )
    publish(mine)
    theirs = make_report(
        make_template("mingyuan", kind=TemplateKind.CUSTOMER, customer=personas.customer_b)
    )
    publish(theirs)
    client = client_for(personas.dana)

    page = client.get(f"/portal/reports/{mine.pk}/versions/1/").content.decode()
    assert f'href="/portal/reports/{mine.pk}/versions/1/feedback/"' in page
    response = client.post(
        f"/portal/reports/{mine.pk}/versions/1/feedback/", {"rating": "4", "comment": "清楚"}
    )

    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert (feedback.reader, feedback.rating, feedback.comment) == (personas.dana, 4, "清楚")
    assert client.get(f"/portal/reports/{theirs.pk}/versions/1/feedback/").status_code == 404
    assert (
        client.post(f"/portal/reports/{theirs.pk}/versions/1/feedback/", {"rating": "1"})
    ).status_code == 404
    assert Feedback.objects.count() == 1
