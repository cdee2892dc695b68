"""Transactional emails: one email per event and business key, pt-BR templates with an English
fallback, claim-then-send, failures recorded and retried, and the admin's resend action."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from smtplib import SMTPRecipientsRefused

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from common.events.contracts.accounts import PasswordResetRequested, PasswordResetRequestedSealed, UserRegistered
from common.events.contracts.catalog import LotRecalled, RecallRecipient
from common.events.contracts.orders import OrderConfirmationResendRequested, OrderFulfilled
from common.events.inbox.models import ProcessedEvent
from common.events.testing import deliver
from common.sealing import seal, unseal
from config.event_handlers import HANDLERS
from tasks.emails.models import EmailKind, EmailLog, EmailStatus
from tasks.emails.rendering import render_email
from tasks.emails.services import email_log_record, email_send
from tests.conftest import order_cancelled, order_paid

pytestmark = pytest.mark.django_db


def test_order_paid_delivered_twice_sends_one_confirmation(django_capture_on_commit_callbacks):
    event_id = uuid.uuid4()
    with django_capture_on_commit_callbacks(execute=True):
        first = deliver(order_paid("CO-1001"), handlers=HANDLERS, event_id=event_id)
    with django_capture_on_commit_callbacks(execute=True) as second_callbacks:
        second = deliver(order_paid("CO-1001"), handlers=HANDLERS, event_id=event_id)

    assert (first, second) == (True, False)
    assert second_callbacks == []
    assert len(mail.outbox) == 1
    log = EmailLog.objects.get()
    assert (log.kind, log.dedup_key, log.recipient, log.event_id) == (
        "order_confirmation",
        "CO-1001",
        "ana@example.com",
        event_id,
    )
    assert (log.status, log.attempts) == (EmailStatus.SENT, 1)


def test_order_paid_republished_with_a_new_event_id_still_sends_one_confirmation(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        deliver(order_paid("CO-1001"), handlers=HANDLERS)
    with django_capture_on_commit_callbacks(execute=True):
        deliver(order_paid("CO-1001"), handlers=HANDLERS)

    assert len(mail.outbox) == 1
    assert EmailLog.objects.count() == 1


def test_a_confirmation_resend_request_sends_the_confirmation_again(django_capture_on_commit_callbacks):
    paid = order_paid("CO-1001")
    resend = OrderConfirmationResendRequested(**paid.model_dump(), requested_by="support@cosmeticos.co")
    with django_capture_on_commit_callbacks(execute=True):
        deliver(paid, handlers=HANDLERS)
        deliver(resend, handlers=HANDLERS)
        deliver(resend, handlers=HANDLERS)  # a new request (new event id): one more email

    assert [message.subject for message in mail.outbox] == ["Pedido CO-1001 confirmado"] * 3
    assert EmailLog.objects.filter(kind=EmailKind.ORDER_CONFIRMATION, status=EmailStatus.SENT).count() == 3


def test_order_confirmation_is_in_portuguese_with_totals_and_an_html_part(django_capture_on_commit_callbacks):
    event = order_paid(
        "CO-1002",
        lines=[("BATOM-RED", "Batom Matte Vermelho", 2, "49.90"), ("CREME-50", "Creme Hidratante", 1, "1299.90")],
    )
    with django_capture_on_commit_callbacks(execute=True):
        deliver(event, handlers=HANDLERS)

    message = mail.outbox[0]
    assert message.subject == "Pedido CO-1002 confirmado"
    assert message.to == ["ana@example.com"]
    assert "2 x Batom Matte Vermelho (BATOM-RED): R$ 99,80" in message.body
    assert "Subtotal: R$ 1.399,70" in message.body
    assert "Frete: R$ 15,00" in message.body
    assert "Total: R$ 1.414,70" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "<strong>Total: R$ 1.414,70</strong>" in html
    assert '<html lang="pt-BR">' in html


def test_every_consumed_event_kind_sends_its_email(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        deliver(UserRegistered(user_id=5, email="Bia@Example.com", full_name="Bia Lima"), handlers=HANDLERS)
        deliver(
            PasswordResetRequestedSealed(
                user_id=5,
                email="bia@example.com",
                full_name="Bia Lima",
                reset_url_sealed=seal("https://shop.example/reset/abc"),
                expires_at="2026-01-15T16:00:00Z",
            ),
            handlers=HANDLERS,
        )
        deliver(
            OrderFulfilled(
                order_number="CO-1003",
                email="bia@example.com",
                tracking_code="BR123456789",
                fulfilled_at=datetime(2026, 1, 16, tzinfo=UTC),
            ),
            handlers=HANDLERS,
        )
        deliver(
            order_cancelled("CO-1004", refunded=True, cancelled_at=datetime(2026, 1, 16, tzinfo=UTC)),
            handlers=HANDLERS,
        )

    subjects = {message.subject: message for message in mail.outbox}
    assert list(subjects) == [
        "Boas-vindas à Cosméticos-co, Bia Lima!",
        "Redefinição de senha da Cosméticos-co",
        "Pedido CO-1003 enviado",
        "Pedido CO-1004 cancelado",
    ]
    assert subjects["Boas-vindas à Cosméticos-co, Bia Lima!"].to == ["bia@example.com"]
    assert "https://shop.example/reset/abc" in subjects["Redefinição de senha da Cosméticos-co"].body
    assert "Código de rastreamento: BR123456789" in subjects["Pedido CO-1003 enviado"].body
    assert "O valor pago foi estornado." in subjects["Pedido CO-1004 cancelado"].body
    assert EmailLog.objects.filter(status=EmailStatus.SENT).count() == 4


def test_a_language_without_templates_falls_back_to_english():
    rendered = render_email(
        kind=EmailKind.ORDER_SHIPPED, language="es", context={"order_number": "CO-9", "tracking_code": "TR-1"}
    )
    assert rendered.language == "en"
    assert rendered.subject == "Order CO-9 shipped"
    assert rendered.text == "Your order CO-9 has shipped!\n\nTracking code: TR-1\n"


def test_a_duplicated_send_task_sends_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        log, created = email_log_record(
            kind=EmailKind.ORDER_SHIPPED,
            dedup_key="CO-7",
            recipient="ana@example.com",
            context={"order_number": "CO-7", "tracking_code": "TR-7"},
        )

    assert created is True
    assert email_send(email_log_id=log.pk) is True
    assert email_send(email_log_id=log.pk) is False
    assert len(mail.outbox) == 1
    log.refresh_from_db()
    assert (log.status, log.attempts, log.subject) == (EmailStatus.SENT, 1, "Pedido CO-7 enviado")


def test_a_failed_send_is_recorded_and_the_retry_sends_it(monkeypatch, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        log, _ = email_log_record(
            kind=EmailKind.ORDER_SHIPPED,
            dedup_key="CO-8",
            recipient="ana@example.com",
            context={"order_number": "CO-8", "tracking_code": "TR-8"},
        )

    def refuse(self, *args, **kwargs):
        raise SMTPRecipientsRefused({"ana@example.com": (550, b"mailbox unavailable")})

    with monkeypatch.context() as patch:
        patch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
        with pytest.raises(SMTPRecipientsRefused):
            email_send(email_log_id=log.pk)
    log.refresh_from_db()
    assert (log.status, log.attempts, len(mail.outbox)) == (EmailStatus.FAILED, 1, 0)
    assert "mailbox unavailable" in log.last_error

    assert email_send(email_log_id=log.pk) is True
    log.refresh_from_db()
    assert (log.status, log.attempts, log.last_error, len(mail.outbox)) == (EmailStatus.SENT, 2, "", 1)


def test_admin_resend_action_sends_the_email_again(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        deliver(order_paid("CO-1005"), handlers=HANDLERS)
    log = EmailLog.objects.get()
    admin = get_user_model().objects.create_superuser("admin", "admin@cosmeticos.co", "x-Strong-Pass-1")
    client.force_login(admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/emails/emaillog/", {"action": "resend", "_selected_action": [log.pk]}, follow=True
        )

    assert response.status_code == 200
    assert len(mail.outbox) == 2
    assert [m.subject for m in mail.outbox] == ["Pedido CO-1005 confirmado"] * 2
    log.refresh_from_db()
    assert (log.status, log.attempts) == (EmailStatus.SENT, 2)


def test_email_log_admin_lists_recipient_kind_event_status_and_attempts(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        deliver(order_paid("CO-1006"), handlers=HANDLERS)
    admin = get_user_model().objects.create_superuser("admin", "admin@cosmeticos.co", "x-Strong-Pass-1")
    client.force_login(admin)

    response = client.get("/admin/emails/emaillog/")

    assert response.status_code == 200
    content = response.content.decode()
    for text in ["ana@example.com", "order_confirmation", "Enviado", str(EmailLog.objects.get().event_id)]:
        assert text in content


def test_a_handler_failure_rolls_back_the_email_and_sends_nothing(django_capture_on_commit_callbacks):
    from config.event_handlers import handlers_in_order
    from tasks.emails.handlers import order_paid_confirmation

    def failing_after_the_email(event, envelope):
        raise RuntimeError("read model unavailable")

    handlers = {"orders.order_paid": handlers_in_order(order_paid_confirmation, failing_after_the_email)}
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        deliver(order_paid("CO-1007"), handlers=handlers)

    assert EmailLog.objects.count() == 0
    assert mail.outbox == []
    assert ProcessedEvent.objects.count() == 0


def test_the_email_log_keeps_the_events_correlation_id(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        deliver(order_paid("CO-1008"), handlers=HANDLERS, correlation_id="checkout-77")

    assert EmailLog.objects.get().correlation_id == "checkout-77"
    assert mail.outbox[0].extra_headers["X-Correlation-Id"] == "checkout-77"


def test_resend_leaves_an_email_being_sent_alone(django_capture_on_commit_callbacks):
    from django.utils import timezone

    from tasks.emails.services import email_resend

    log = EmailLog.objects.create(
        kind=EmailKind.ORDER_SHIPPED,
        dedup_key="CO-9",
        recipient="ana@example.com",
        status=EmailStatus.SENDING,
        attempts=1,
        claimed_at=timezone.now(),
    )

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert email_resend(email_log=log) is False

    assert callbacks == []
    log.refresh_from_db()
    assert (log.status, log.attempts, len(mail.outbox)) == (EmailStatus.SENDING, 1, 0)


def test_the_plain_text_part_keeps_links_unescaped_and_the_html_part_escapes_them():
    link = "https://shop.example/reset-password?uid=NA&token=abc-123"
    rendered = render_email(
        kind=EmailKind.PASSWORD_RESET,
        language="pt-br",
        context={"full_name": "Bia <Lima>", "reset_url": link, "expires_at": "2026-01-15T16:00:00Z"},
    )
    assert link in rendered.text
    assert "&amp;" not in rendered.text
    assert "Bia <Lima>" in rendered.text
    assert "uid=NA&amp;token=abc-123" in rendered.html
    assert "Bia &lt;Lima&gt;" in rendered.html


def _reset_link_email(event, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        deliver(event, handlers=HANDLERS)
    return EmailLog.objects.get(kind=EmailKind.PASSWORD_RESET), mail.outbox[-1]


def test_the_reset_link_stays_sealed_in_the_email_log_and_is_opened_only_in_the_email(
    django_capture_on_commit_callbacks,
):
    link = "https://loja.example/reset-password?uid=NQ&token=cz9k1q-0123456789abcdef0123456789abcdef"
    event = PasswordResetRequestedSealed(
        user_id=5,
        email="bia@example.com",
        full_name="Bia Lima",
        reset_url_sealed=seal(link),
        expires_at="2026-01-15T16:00:00Z",
    )
    log, message = _reset_link_email(event, django_capture_on_commit_callbacks)
    stored = EmailLog.objects.filter(pk=log.pk).values_list("context", flat=True).get()
    assert "cz9k1q-0123456789abcdef" not in str(stored) and "reset-password" not in str(stored)
    assert set(stored) == {"full_name", "reset_url_sealed", "expires_at"}
    assert unseal(stored["reset_url_sealed"]) == link
    assert link in message.body


def test_a_v1_event_in_flight_with_the_link_in_clear_is_sealed_before_it_is_logged(django_capture_on_commit_callbacks):
    link = "https://loja.example/reset-password?uid=NQ&token=legacy-token-abc"
    event = PasswordResetRequested(
        user_id=5, email="bia@example.com", full_name="Bia Lima", reset_url=link, expires_at="2026-01-15T16:00:00Z"
    )
    log, message = _reset_link_email(event, django_capture_on_commit_callbacks)
    assert "legacy-token-abc" not in str(EmailLog.objects.filter(pk=log.pk).values_list("context", flat=True).get())
    assert link in message.body


def test_a_rotated_key_still_opens_links_sealed_with_the_previous_one(settings):
    from cryptography.fernet import Fernet

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.EVENT_SEALING_KEYS = [old]
    sealed_before = seal("https://loja.example/reset-password?uid=NQ&token=t")
    settings.EVENT_SEALING_KEYS = [new, old]
    assert unseal(sealed_before) == "https://loja.example/reset-password?uid=NQ&token=t"
    assert Fernet(new.encode()).decrypt(seal("x").encode()) == b"x"  # the first key seals


def test_the_email_log_admin_masks_the_sealed_link(admin_client, django_capture_on_commit_callbacks):
    sealed = seal("https://loja.example/reset-password?uid=NQ&token=admin-never-shows")
    event = PasswordResetRequestedSealed(
        user_id=5, email="bia@example.com", full_name="Bia Lima", reset_url_sealed=sealed, expires_at="2026-01-15"
    )
    log, _message = _reset_link_email(event, django_capture_on_commit_callbacks)
    page = admin_client.get(f"/admin/emails/emaillog/{log.pk}/change/").content.decode()
    assert "cifrado" in page
    assert sealed not in page and "admin-never-shows" not in page


@pytest.mark.parametrize(
    ("method", "installments", "named"),
    [
        ("pix", None, "Forma de pagamento: Pix"),
        ("boleto", None, "Forma de pagamento: boleto bancário"),
        ("card", 3, "Forma de pagamento: cartão de crédito em 3x"),
        ("card", 1, "Forma de pagamento: cartão de crédito à vista"),
    ],
)
def test_the_confirmation_names_the_payment_method(django_capture_on_commit_callbacks, method, installments, named):
    event = order_paid("CO-1003").model_copy(update={"payment_method": method, "installments": installments})
    with django_capture_on_commit_callbacks(execute=True):
        deliver(event, handlers=HANDLERS)
    message = mail.outbox[0]
    assert named in message.body
    assert named in message.alternatives[0][0]


def test_a_confirmation_of_an_event_without_a_method_says_nothing_about_it(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        deliver(order_paid("CO-1004"), handlers=HANDLERS)
    assert "Forma de pagamento" not in mail.outbox[0].body


def test_a_lot_recall_emails_each_customer_once_in_portuguese(django_capture_on_commit_callbacks):
    def recall(*numbers):
        return LotRecalled(
            sku="BLP-BAT-001",
            product_name="Batom Matte Vermelho",
            lot="L2401",
            expires_on=date(2027, 1, 31),
            reason="Contaminação microbiológica",
            recipients=[RecallRecipient(order_number=n, email=f"{n.lower()}@example.com", quantity=1) for n in numbers],
        )

    with django_capture_on_commit_callbacks(execute=True):
        deliver(recall("CO-1", "CO-2"), handlers=HANDLERS)
        deliver(recall("CO-1", "CO-2", "CO-3"), handlers=HANDLERS)  # a second notice: only the new order

    assert sorted(message.to[0] for message in mail.outbox) == [
        "co-1@example.com",
        "co-2@example.com",
        "co-3@example.com",
    ]
    message = mail.outbox[0]
    assert message.subject == "Recall: Batom Matte Vermelho — lote L2401"
    assert "O lote L2401 de Batom Matte Vermelho (SKU BLP-BAT-001, validade 31/01/2027) foi recolhido" in message.body
    assert "Motivo: Contaminação microbiológica" in message.body
    assert EmailLog.objects.filter(kind=EmailKind.LOT_RECALL).count() == 3


def _return_step(event_type, **extra):
    from decimal import Decimal

    from common.events.contracts.orders import ReturnedLine

    return event_type(
        order_number="CO-1005",
        email="bia@example.com",
        return_id=9,
        lines=[ReturnedLine(sku="SERUM-30", name="Sérum Vitamina C", quantity=1, amount=Decimal("89.90"))],
        refund_amount=Decimal("102.80"),
        currency="BRL",
        occurred_at=datetime(2026, 1, 16, tzinfo=UTC),
        **extra,
    )


def test_each_step_of_a_return_sends_one_portuguese_email(django_capture_on_commit_callbacks):
    from common.events.contracts.orders import (
        ReturnApproved,
        ReturnReceived,
        ReturnRefunded,
        ReturnRejected,
        ReturnRequested,
    )

    steps = [
        _return_step(ReturnRequested, reason="não gostei da cor"),
        _return_step(ReturnApproved),
        _return_step(ReturnReceived),
        _return_step(ReturnRefunded, shipping_refunded=True),
        _return_step(ReturnRejected, rejection_reason="produto usado"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        for event in steps:
            deliver(event, handlers=HANDLERS)
        deliver(steps[0], handlers=HANDLERS)  # republished: no second email

    assert [message.subject for message in mail.outbox] == [
        "Recebemos seu pedido de devolução (CO-1005)",
        "Devolução aprovada (CO-1005)",
        "Recebemos os produtos devolvidos (CO-1005)",
        "Reembolso da devolução (CO-1005)",
        "Devolução não aprovada (CO-1005)",
    ]
    bodies = [message.body for message in mail.outbox]
    assert "Motivo: não gostei da cor" in bodies[0]
    assert "1 x Sérum Vitamina C (SERUM-30): R$ 89,90" in bodies[1]
    assert "foi feito: R$ 102,80 (inclui o frete, pelo direito de arrependimento de 7 dias)." in bodies[3]
    assert "Motivo: produto usado" in bodies[4] and "Valor a reembolsar" not in bodies[4]
    assert list(EmailLog.objects.order_by("id").values_list("dedup_key", flat=True)) == [
        f"CO-1005/return-9/{step}" for step in ("requested", "approved", "received", "refunded", "rejected")
    ]


def test_the_shipped_email_names_the_carrier_and_links_the_tracking(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        deliver(
            OrderFulfilled(
                order_number="CO-1006",
                email="bia@example.com",
                tracking_code="BR123456789",
                fulfilled_at=datetime(2026, 1, 16, tzinfo=UTC),
                carrier="Correios",
                tracking_url="https://rastreio.example/BR123456789",
            ),
            handlers=HANDLERS,
        )
    [message] = mail.outbox
    assert "Transportadora: Correios\nAcompanhe a entrega: https://rastreio.example/BR123456789" in message.body
    assert 'href="https://rastreio.example/BR123456789"' in message.alternatives[0][0]
