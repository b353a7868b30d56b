"""E-mail deliveries through a real SMTP server (aiosmtpd on 127.0.0.1): HTML and text
alternatives, Chinese subjects encoded in the raw headers, user text escaped in the HTML, and
an SMTP server that is down: retries, then failed."""

from datetime import UTC, datetime, timedelta
from email.header import decode_header, make_header

import pytest

from opsbook.notify import delivery
from opsbook.notify.choices import DeliveryStatus
from opsbook.notify.testing import SmtpServer, free_port, make_delivery

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 10, 8, 1, 0, tzinfo=UTC)
SUBJECT = "工单 T-42 已分派给你：打印机卡纸"


@pytest.fixture
def smtp(settings):
    with SmtpServer() as server:
        settings.MAILERS = server.mailers()
        yield server


def email_row(personas, **fields):
    values = {
        "recipient": personas.alice,
        "address": "alice@example.com",
        "subject": SUBJECT,
        "body": '打印机卡纸 <script>alert("x")</script> & 需要上门',
        "link": "http://ops.example.com/tickets/42/",
        "now": NOW,
    }
    return make_delivery(None, **(values | fields))


def run(now=NOW):
    return delivery.run_outbox(now)


def test_an_email_has_text_and_html_and_a_correctly_encoded_chinese_subject(smtp, personas):
    row = email_row(personas)
    assert run().outcomes == {"sent": 1}
    row.refresh_from_db()
    assert row.status == DeliveryStatus.SENT
    (raw,) = smtp.raw
    headers = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")  # raw headers are pure ASCII
    subject_line = next(
        line for line in headers.replace("\r\n ", " ").split("\r\n") if line.startswith("Subject:")
    )
    assert "=?utf-8?" in subject_line.lower()
    assert str(make_header(decode_header(subject_line[len("Subject: ") :]))) == SUBJECT
    (message,) = smtp.messages
    assert message["To"] == "alice@example.com"
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "http://ops.example.com/tickets/42/" in text and "<script>" in text
    assert "<script>" not in html and "&lt;script&gt;" in html and "&amp; 需要上门" in html
    assert 'href="http://ops.example.com/tickets/42/"' in html


def test_a_subject_with_a_line_break_cannot_inject_headers(smtp, personas):
    email_row(personas, subject="hi\r\nBcc: victim@example.com")
    run()
    (message,) = smtp.messages
    assert message["Bcc"] is None
    assert smtp.inbox.envelopes[0][1] == ["alice@example.com"]


def test_smtp_down_retries_then_fails_and_sends_nothing_twice(settings, personas):
    settings.NOTIFY_MAX_ATTEMPTS = 2
    port = free_port()  # nothing listens here
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 2},
        }
    }
    row = email_row(personas)
    run()
    row.refresh_from_db()
    assert row.status == DeliveryStatus.RETRYING and "mail server" in row.last_error
    run(row.next_attempt_at)
    row.refresh_from_db()
    assert row.status == DeliveryStatus.FAILED and "Gave up after 2 attempts" in row.last_error
    # The server comes back; the failed row stays failed until someone sends it again.
    with SmtpServer() as server:
        settings.MAILERS = server.mailers()
        run(row.next_attempt_at + timedelta(hours=1))
        assert server.messages == []


def test_one_pass_sends_its_emails_over_one_smtp_session(smtp, personas):
    for n in range(3):
        email_row(personas, key=f"mail:{n}")
    assert run().outcomes == {"sent": 3}
    assert len(smtp.messages) == 3
    assert len(set(smtp.inbox.peers)) == 1


def test_a_deactivated_recipient_gets_nothing(smtp, personas):
    row = email_row(personas)
    personas.alice.is_active = False
    personas.alice.save()
    run()
    row.refresh_from_db()
    assert row.status == DeliveryStatus.FAILED and smtp.messages == []
