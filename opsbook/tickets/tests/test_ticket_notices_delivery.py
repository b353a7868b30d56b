"""End to end: a ticket reply's e-mails leave the outbox through the notify worker's sender to
a real SMTP server (aiosmtpd on 127.0.0.1): the customer's and the watcher's, each once, in
plain text and escaped HTML."""

from datetime import timedelta

import pytest

from opsbook.notify import delivery
from opsbook.notify import testing as notify_testing
from opsbook.notify.choices import DeliveryStatus
from opsbook.notify.models import Delivery
from opsbook.tickets import services

from .followup_helpers import OPENED, complaint, scene

pytestmark = pytest.mark.django_db
REPLIED = OPENED + timedelta(hours=1)


@pytest.fixture
def smtp(settings):
    with notify_testing.SmtpServer() as server:
        settings.MAILERS = server.mailers()
        yield server


def test_a_public_reply_reaches_the_customer_and_the_watcher_by_smtp_once(personas, smtp):
    item = scene(personas)
    ticket = complaint(personas, item, title="<b>投诉</b> 客服态度", watchers=[personas.charlie])
    services.do_reply(personas.alice, ticket, '您好 <script>alert("x")</script>', now=REPLIED)

    delivery.run_outbox(REPLIED + timedelta(seconds=1))
    delivery.run_outbox(REPLIED + timedelta(minutes=1))  # a second pass sends nothing again

    replies = Delivery.objects.filter(event="ticket_comment")
    assert {d.status for d in replies} == {DeliveryStatus.SENT}
    to = sorted(m["To"] for m in smtp.messages if "alert" in m.get_body(("plain",)).get_content())
    assert to == ["charlie@example.com", "dana@example.com"]
    for message in smtp.messages:
        html = message.get_body(("html",)).get_content()
        assert "<script>" not in html and "<b>投诉</b>" not in html
