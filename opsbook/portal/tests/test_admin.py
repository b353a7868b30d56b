"""The admin site: operators give customers their services (audited); tickets, comments and
attachments can be looked up but not changed there; files are never served from it."""

import pytest
from django.urls import reverse

from opsbook.audit.models import AuditEntry
from opsbook.catalog.models import CustomerService
from opsbook.tickets import services
from opsbook.tickets.models import Tag

from .conftest import png


@pytest.fixture
def admin_client(client, personas):
    personas.erin.is_superuser = True
    personas.erin.save()
    client.force_login(personas.erin)
    return client


def test_an_administrator_gives_a_customer_a_service_and_it_is_audited(
    admin_client, personas, world
):
    CustomerService.objects.filter(customer=personas.customer_b).delete()

    response = admin_client.post(
        reverse("admin:catalog_customerservice_add"),
        {
            "customer": personas.customer_b.pk,
            "item": world.service.pk,
            "starts_on": "2026-01-01",
            "ends_on": "",
            "notes": "合同 2026-08",
        },
    )

    assert response.status_code == 302
    assert CustomerService.objects.filter(customer=personas.customer_b).exists()
    entry = AuditEntry.objects.get(object_type="catalog.customerservice")
    assert entry.actor == personas.erin and entry.source == "admin"
    assert entry.changes["starts_on"] == [None, "2026-01-01"]


def test_removing_a_service_is_audited_and_takes_it_out_of_the_portal(
    admin_client, client, personas, world
):
    row = CustomerService.objects.get(customer=personas.customer_a)

    admin_client.post(
        reverse("admin:catalog_customerservice_delete", args=[row.pk]), {"post": "yes"}
    )

    assert AuditEntry.objects.filter(action="delete").count() == 1
    client.force_login(personas.dana)
    assert 'id="no-services"' in client.get(reverse("portal:new")).text


def test_tickets_can_be_found_but_not_changed_in_the_admin(admin_client, world):
    ticket = world.dana_ticket
    changelist = reverse("admin:tickets_ticket_changelist")

    found = admin_client.get(changelist, {"q": f"#{ticket.pk}"})
    page = admin_client.get(reverse("admin:tickets_ticket_change", args=[ticket.pk]))
    posted = admin_client.post(
        reverse("admin:tickets_ticket_change", args=[ticket.pk]),
        {"title": "改名", "response_due_at_0": "2000-01-01"},
    )

    assert "无法登录管理后台" in found.text and "明远：打印机卡纸" not in found.text
    assert page.status_code == 200 and 'name="title"' not in page.text
    assert posted.status_code == 403
    ticket.refresh_from_db()
    assert ticket.title == "无法登录管理后台"
    assert admin_client.get(reverse("admin:tickets_ticket_add")).status_code == 403


def test_the_ticket_list_filters_by_status(admin_client, world):
    response = admin_client.get(reverse("admin:tickets_ticket_changelist"), {"status": "new"})

    assert response.status_code == 200 and "无法登录管理后台" in response.text


def test_attachments_are_listed_without_a_link_to_the_file(admin_client, personas, world):
    [attachment] = services.do_add_attachments(personas.dana, world.dana_ticket, [png()])

    html = admin_client.get(reverse("admin:tickets_attachment_change", args=[attachment.pk])).text

    assert "截图.png" in html and attachment.sha256 in html
    assert attachment.file.name not in html


def test_comments_are_read_only(admin_client, personas, world):
    comment = services.do_add_note(personas.alice, world.dana_ticket, "内部备注")

    url = reverse("admin:tickets_comment_change", args=[comment.pk])
    assert admin_client.post(url, {"body": "改"}).status_code == 403
    assert admin_client.get(reverse("admin:tickets_comment_add")).status_code == 403


def test_tags_are_managed_with_an_audit_entry(admin_client):
    admin_client.post(reverse("admin:tickets_tag_add"), {"name": "发票"})

    tag = Tag.objects.get()
    assert AuditEntry.objects.get(object_type="tickets.tag").object_repr == "发票"
    admin_client.post(reverse("admin:tickets_tag_change", args=[tag.pk]), {"name": "开票"})
    assert AuditEntry.objects.filter(object_type="tickets.tag").count() == 2


def test_people_without_the_admin_role_get_no_admin_page(client, personas, world):
    for person in (personas.dana, personas.alice):
        client.force_login(person)
        response = client.get(reverse("admin:tickets_ticket_changelist"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))
