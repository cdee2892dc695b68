"""A guest's order link (it carries the order's access token) is never stored readable in tasks.

``orders.order_paid`` v2 and the confirmation resend v2 carry the token sealed; the email log keeps the
whole link sealed (``order_url_sealed``), the send opens it for the render only, and the admin never
shows it. A v1 event still in flight with the token in clear is sealed before it is logged.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from common.events.contracts.orders import OrderConfirmationResendRequestedSealed
from common.events.testing import deliver
from common.sealing import seal, unseal
from config.event_handlers import HANDLERS
from tasks.emails.models import EmailLog
from tests.conftest import order_paid, order_paid_sealed

pytestmark = pytest.mark.django_db
TOKEN = "Gk3v1xQm9pZrT0cYbWnA4sLdHe7uJf2oKi5qVy8RtEw"


def email_log_rows_as_text() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT row_to_json(e)::text FROM emails_emaillog e")
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_guests_link_is_sealed_in_the_email_log_and_opens_the_status_page_in_the_email(
    settings, django_capture_on_commit_callbacks
):
    settings.STOREFRONT_URL = ""
    settings.ORDERS_URL = "https://pedidos.cosmeticos.co"
    with django_capture_on_commit_callbacks(execute=True):
        deliver(order_paid_sealed("CO-2026-000901", access_token=TOKEN), handlers=HANDLERS)

    status_page = f"https://pedidos.cosmeticos.co/pedidos/CO-2026-000901/?token={TOKEN}"
    log = EmailLog.objects.get()
    assert "order_url" not in log.context
    assert unseal(log.context["order_url_sealed"]) == status_page
    assert TOKEN not in email_log_rows_as_text()
    [message] = mail.outbox
    assert status_page in message.body
    assert status_page in message.alternatives[0][0].replace("&amp;", "&")


def test_a_resend_keeps_the_link_sealed_too(django_capture_on_commit_callbacks):
    fields = order_paid("CO-2026-000902").model_dump(exclude={"access_token"})
    event = OrderConfirmationResendRequestedSealed(
        **fields, requested_by="support:lia", access_token_sealed=seal(TOKEN)
    )
    with django_capture_on_commit_callbacks(execute=True):
        deliver(event, handlers=HANDLERS)
    assert TOKEN not in email_log_rows_as_text()
    assert TOKEN in mail.outbox[0].body


def test_a_v1_event_in_flight_with_the_token_in_clear_is_sealed_before_it_is_logged(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        deliver(order_paid("CO-2026-000903").model_copy(update={"access_token": TOKEN}), handlers=HANDLERS)
    assert TOKEN not in email_log_rows_as_text()
    assert TOKEN in unseal(EmailLog.objects.get().context["order_url_sealed"])
    assert TOKEN in mail.outbox[0].body


def test_the_email_log_admin_never_shows_the_guests_link(admin_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        deliver(order_paid_sealed("CO-2026-000904", access_token=TOKEN), handlers=HANDLERS)
    log = EmailLog.objects.get()
    page = admin_client.get(f"/admin/emails/emaillog/{log.pk}/change/").content.decode()
    assert "CO-2026-000904" in page and "cifrado" in page
    assert TOKEN not in page and log.context["order_url_sealed"] not in page


@pytest.fixture
def back_to_the_latest_schema():
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_guest_links_logged_before_sealing_are_sealed_by_the_migration(back_to_the_latest_schema):
    before, after = [("emails", "0003_email_kind_order_return")], [("emails", "0003_guest_order_links_sealed")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("emails", "EmailLog")
    guest_link = f"https://pedidos.cosmeticos.co/pedidos/CO-1/?token={TOKEN}"
    old.objects.create(
        kind="order_confirmation",
        dedup_key="CO-1",
        recipient="a@example.com",
        context={"order_number": "CO-1", "order_url": guest_link},
    )
    old.objects.create(
        kind="order_confirmation",
        dedup_key="CO-2",
        recipient="b@example.com",
        context={"order_number": "CO-2", "order_url": "https://pedidos.cosmeticos.co/pedidos/"},
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)

    new = executor.loader.project_state(after).apps.get_model("emails", "EmailLog")
    guest, signed_in = new.objects.order_by("dedup_key")
    assert set(guest.context) == {"order_number", "order_url_sealed"}
    assert unseal(guest.context["order_url_sealed"]) == guest_link
    assert signed_in.context == {"order_number": "CO-2", "order_url": "https://pedidos.cosmeticos.co/pedidos/"}
    assert TOKEN not in email_log_rows_as_text()
