"""Two concurrent redeems of one sign-on ticket, on PostgreSQL: exactly one admin gets the sign-on."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from accounts.signon.errors import InvalidTicket
from accounts.signon.models import AdminSignOn, AdminSignOnTicket
from accounts.signon.services import signon_ticket_issue, signon_ticket_redeem
from accounts.users.models import User


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_two_concurrent_redeems_of_one_ticket_let_exactly_one_through(postgresql, attempt):
    user = User.objects.create_user(email="mara@cosmeticos.co", password="x" * 12, is_staff=True)
    expires_at = timezone.now() + timedelta(hours=1)
    sign_on = AdminSignOn.objects.create(sid=f"sid-{attempt}", user=user, expires_at=expires_at)
    ticket = signon_ticket_issue(sign_on_sid=sign_on.sid, service="catalog")
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def redeem_once() -> None:
        try:
            start.wait(timeout=10)
            outcomes.append(signon_ticket_redeem(ticket=ticket, service="catalog").sid)
        except InvalidTicket:
            outcomes.append("refused")
        except Exception as exc:  # reported by the assertion below, not lost in the thread
            outcomes.append(f"error: {exc!r}")
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=redeem_once) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["refused", sign_on.sid]
    assert AdminSignOnTicket.objects.get().used_at is not None
