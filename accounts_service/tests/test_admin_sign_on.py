"""The one sign-in of the four admins, accounts' side: the password page opens a sign-on, the authorize
page hands another admin a one-time ticket, the redeem gives that admin the sid and an access token, and
ending the sign-on (sign-out at any admin) closes every open one of the person, accounts' own session too."""

from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
from django.utils import timezone

from accounts.signon.models import AdminSignOn, AdminSignOnTicket
from common.auth.sso import SESSION_KEY
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

AUTHORIZE = "/admin/sso/authorize?service=catalog&next=/admin/products/product/"


@pytest.fixture
def staff(make_user):
    return make_user(email="mara@cosmeticos.co", is_staff=True)


def _sign_in(client):
    response = client.post("/admin/login/?next=/admin/", {"username": "mara@cosmeticos.co", "password": PASSWORD})
    assert response.status_code == 302
    return client.session[SESSION_KEY]


def _ticket(client) -> str:
    response = client.get(AUTHORIZE)
    assert response.status_code == 302
    location = urlparse(response["Location"])
    assert location.path == "/admin/sso/callback"
    query = parse_qs(location.query)
    assert query["next"] == ["/admin/products/product/"]
    return query["ticket"][0]


def _redeem(client, ticket: str, service: str = "catalog"):
    return client.post(
        "/api/accounts/sso/tickets/redeem", {"ticket": ticket, "service": service}, content_type="application/json"
    )


def test_the_authorize_page_asks_a_signed_out_person_for_the_password_first(client, staff):
    response = client.get(AUTHORIZE)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=/admin/sso/authorize")
    assert AdminSignOnTicket.objects.count() == 0


def test_signing_in_at_accounts_opens_a_sign_on_that_the_next_admin_enters_without_a_password(client, staff):
    sid = _sign_in(client)
    assert AdminSignOn.objects.get(sid=sid).user == staff
    response = _redeem(client, _ticket(client))
    assert response.status_code == 200
    body = response.json()
    assert body["sid"] == sid
    claims = jwt.decode(body["access"], options={"verify_signature": False})  # verified by the admins
    assert (claims["email"], claims["is_staff"]) == ("mara@cosmeticos.co", True)
    assert client.get(f"/api/accounts/sso/sessions/{sid}").json() == {"active": True}


def test_a_ticket_works_once(client, staff):
    _sign_in(client)
    ticket = _ticket(client)
    assert _redeem(client, ticket).status_code == 200
    again = _redeem(client, ticket)
    assert again.status_code == 400
    assert again.json()["code"] == "invalid_ticket"


def test_a_ticket_is_only_for_the_admin_it_was_issued_for_and_only_for_a_minute(client, staff):
    _sign_in(client)
    ticket = _ticket(client)
    assert _redeem(client, ticket, service="orders").status_code == 400
    AdminSignOnTicket.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert _redeem(client, ticket).status_code == 400
    assert AdminSignOnTicket.objects.get().used_at is None


def test_an_unknown_admin_is_refused(client, staff):
    _sign_in(client)
    assert client.get("/admin/sso/authorize?service=evil&next=/").status_code == 400
    assert AdminSignOnTicket.objects.count() == 0


def test_ending_the_sign_on_anywhere_ends_every_open_one_and_accounts_own_session(client, staff):
    sid = _sign_in(client)
    other = AdminSignOn.objects.create(sid="other-browser", user=staff, expires_at=timezone.now() + timedelta(hours=1))
    ticket = _ticket(client)
    assert client.post(f"/api/accounts/sso/sessions/{sid}/end").status_code == 204
    assert client.get(f"/api/accounts/sso/sessions/{sid}").json() == {"active": False}
    assert client.get(f"/api/accounts/sso/sessions/{other.sid}").json() == {"active": False}
    assert _redeem(client, ticket).status_code == 400  # its sign-on has ended
    assert client.get("/admin/").status_code == 302  # accounts' own admin session is gone too
    assert "_auth_user_id" not in client.session


def test_signing_out_at_accounts_ends_the_sign_on(client, staff):
    sid = _sign_in(client)
    response = client.post("/admin/logout/")
    assert response.status_code == 302
    assert response["Location"].endswith("/admin/login/")
    assert AdminSignOn.objects.get(sid=sid).ended_at is not None


def test_a_deactivated_person_sign_on_is_no_longer_active(client, staff):
    sid = _sign_in(client)
    staff.is_active = False
    staff.save(update_fields=["is_active"])
    assert client.get(f"/api/accounts/sso/sessions/{sid}").json() == {"active": False}
