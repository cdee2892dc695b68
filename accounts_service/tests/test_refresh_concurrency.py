"""Two concurrent refreshes with one refresh token, on PostgreSQL: at most one succeeds."""

import threading

import pytest
from django.db import connection
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts.tokens.errors import InvalidRefreshToken
from accounts.tokens.models import RevokedTokenFamily
from accounts.tokens.services import token_refresh, tokens_for_user
from accounts.users.models import User


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_two_concurrent_refreshes_of_one_token_let_exactly_one_through(postgresql, attempt):
    user = User.objects.create_user(email="ana@example.com", password="x" * 12)
    refresh = tokens_for_user(user=user).refresh
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def refresh_once() -> None:
        try:
            start.wait(timeout=10)
            token_refresh(refresh=refresh)
            outcomes.append("refreshed")
        except InvalidRefreshToken:
            outcomes.append("refused")
        except Exception as exc:  # reported by the assertion below, not lost in the thread
            outcomes.append(f"error: {exc!r}")
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=refresh_once) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["refreshed", "refused"]
    assert BlacklistedToken.objects.count() == 1
    assert OutstandingToken.objects.filter(user=user).count() == 2  # the original and one rotated token
    # The loser presented a used token: reuse, so the family (the winner's new token too) is revoked.
    assert RevokedTokenFamily.objects.filter(user_id=user.pk, reason="reuse").count() == 1
