"""The SMTP path against a real SMTP server on loopback (aiosmtpd), as production sends."""

from __future__ import annotations

import email
import socket
from email import policy
from smtplib import SMTPDataError

import pytest
from aiosmtpd.controller import Controller

from common.events.testing import deliver
from config.event_handlers import HANDLERS
from tasks.emails.models import EmailLog, EmailStatus
from tasks.emails.services import email_send
from tests.conftest import order_paid

pytestmark = pytest.mark.django_db


class Mailbox:
    """An aiosmtpd handler keeping every message; ``refuse_next`` answers the next DATA with a 451."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []
        self.refuse_next = 0

    async def handle_DATA(self, server, session, envelope):
        if self.refuse_next:
            self.refuse_next -= 1
            return "451 Requested action aborted: local error in processing"
        message = email.message_from_bytes(envelope.original_content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield mailbox
    controller.stop()


def test_order_confirmation_is_delivered_over_smtp_with_text_and_html(smtp_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        deliver(order_paid("CO-2001"), handlers=HANDLERS)

    assert len(smtp_server.messages) == 1
    recipients, message = smtp_server.messages[0]
    assert recipients == ["ana@example.com"]
    assert message["Subject"] == "Pedido CO-2001 confirmado"
    assert message["From"] == "Cosméticos-co <nao-responda@cosmeticos.co>"
    assert message["X-Email-Log-Id"] == str(EmailLog.objects.get().pk)
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Total: R$ 64,90" in text
    assert "<strong>Total: R$ 64,90</strong>" in html
    assert EmailLog.objects.get().status == EmailStatus.SENT


def test_an_smtp_refusal_is_recorded_and_the_retry_sends_the_email_once(
    smtp_server, django_capture_on_commit_callbacks
):
    smtp_server.refuse_next = 1
    with django_capture_on_commit_callbacks(execute=False):
        deliver(order_paid("CO-2002"), handlers=HANDLERS)
    log = EmailLog.objects.get()

    with pytest.raises(SMTPDataError):
        email_send(email_log_id=log.pk)  # what the Celery task runs; it retries on the error
    log.refresh_from_db()
    assert (log.status, log.attempts, smtp_server.messages) == (EmailStatus.FAILED, 1, [])
    assert "451" in log.last_error

    assert email_send(email_log_id=log.pk) is True
    assert email_send(email_log_id=log.pk) is False
    assert len(smtp_server.messages) == 1
    log.refresh_from_db()
    assert (log.status, log.attempts, log.last_error) == (EmailStatus.SENT, 2, "")
