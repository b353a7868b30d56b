"""From do_notify to the receivers: an event written in a transaction reaches a person's
mailbox (aiosmtpd) and a chat group (a local webhook server) through the outbox worker, with
the link under OPSBOOK_BASE_URL, once, however often the worker runs."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction

from opsbook.notify import delivery
from opsbook.notify.choices import Audience, DeliveryStatus, Event
from opsbook.notify.models import Delivery, Rule
from opsbook.notify.services import do_notify
from opsbook.notify.testing import Reply, SmtpServer, WebhookServer, allow_local, make_channel

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 10, 8, 1, 0, tzinfo=UTC)


def test_an_event_reaches_the_mailbox_and_the_chat_group_once(personas, settings):
    settings.OPSBOOK_BASE_URL = "https://ops.example.com"
    alice = personas.alice
    alice.email = "alice@example.com"
    alice.save()
    allow_local()
    with SmtpServer() as smtp, WebhookServer(Reply(200, {"code": 0})) as chat:
        settings.MAILERS = smtp.mailers()
        group = make_channel("feishu", chat.url(), secret="fs-secret", keyword="运维")
        Rule.objects.create(event=Event.TICKET_ASSIGNED, audience=Audience.ASSIGNEE)
        Rule.objects.create(
            event=Event.TICKET_ASSIGNED,
            audience=Audience.CHAT_GROUP,
            channel=group,
            in_app=False,
            email=False,
        )
        for _ in range(2):  # a job that runs twice notifies once
            with transaction.atomic():
                do_notify(
                    Event.TICKET_ASSIGNED,
                    key="ticket:42:assigned:1",
                    message=lambda: ("工单 T-42 已分派给你", "打印机卡纸 <b>急</b>"),
                    link="/tickets/42/",
                    audiences={Audience.ASSIGNEE: [alice]},
                    now=NOW,
                )
        assert Delivery.objects.count() == 2
        delivery.run_outbox(NOW)
        delivery.run_outbox(NOW + timedelta(hours=1))
        assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}
        (mail,) = smtp.messages
        assert str(mail["Subject"]) == "工单 T-42 已分派给你"
        text_part, html_part = mail.get_body(("plain",)), mail.get_body(("html",))
        assert text_part is not None and html_part is not None
        assert "https://ops.example.com/tickets/42/" in text_part.get_content()
        assert "&lt;b&gt;急&lt;/b&gt;" in html_part.get_content()
        (got,) = chat.received
        text = got.json()["content"]["text"]
        assert "https://ops.example.com/tickets/42/" in text and text.endswith("运维")
