"""``common.auth.JWTAuth`` on a Ninja endpoint of a non-accounts project: every token it must refuse."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.urls import path
from ninja import Router

from common.api import create_api
from common.auth import JWTAuth, StaffJWTAuth, TokenUser, optional_user
from common.auth.handlers import user_access_changed
from common.events.contracts.accounts import UserAccessChanged
from common.events.envelope import Envelope
from common.testing.tokens import TEST_KID, access_claims, auth_header, issue_access_token, signing_key

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

router = Router()


def _user_out(user: TokenUser | None) -> dict:
    if user is None:
        return {"guest": True}
    return {"id": user.id, "email": user.email, "is_staff": user.is_staff, "groups": list(user.groups)}


@router.get("/me", auth=JWTAuth())
def me(request):
    return _user_out(request.auth)


@router.get("/staff", auth=StaffJWTAuth())
def staff_only(request):
    return _user_out(request.auth)


@router.get("/open")
def open_to_guests(request):
    return _user_out(optional_user(request))


api = create_api(service="authtest", title="auth test")
api.add_router("/", router)
urlpatterns = [path("api/authtest/", api.urls)]


def _get(client, endpoint: str, token: str | None = None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token is not None else {}
    return client.get(f"/api/authtest/{endpoint}", **headers)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _assert_refused(response, code: str = "invalid_token") -> None:
    assert response.status_code == 401
    assert response.json()["code"] == code
    assert set(response.json()) == {"detail", "code"}


def test_a_valid_token_makes_request_auth_a_token_user(client):
    header = auth_header(user_id=7, email="bia@example.com", groups=("Customer support",))
    response = client.get("/api/authtest/me", **header)
    assert response.status_code == 200
    assert response.json() == {"id": 7, "email": "bia@example.com", "is_staff": False, "groups": ["Customer support"]}


def test_a_missing_header_is_401_not_authenticated(client):
    response = _get(client, "me")
    assert response.status_code == 401
    assert response.json() == {
        "detail": "As credenciais de autenticação não foram enviadas ou são inválidas.",
        "code": "not_authenticated",
    }


def test_a_non_bearer_scheme_is_401(client):
    response = client.get("/api/authtest/me", HTTP_AUTHORIZATION="Basic YW5hOnNlY3JldA==")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_garbage_is_refused(client):
    _assert_refused(_get(client, "me", "not-a-jwt"))


def test_a_header_that_is_not_a_json_object_is_refused(client):
    _assert_refused(_get(client, "me", f"{_b64(b'[1, 2]')}.{_b64(b'{}')}.c2ln"))


def test_alg_none_is_refused(client):
    header = _b64(json.dumps({"alg": "none", "typ": "JWT", "kid": TEST_KID}).encode())
    payload = _b64(json.dumps(access_claims()).encode())
    _assert_refused(_get(client, "me", f"{header}.{payload}."))


def test_hs256_with_a_shared_secret_is_refused(client):
    token = jwt.encode(access_claims(), "s" * 64, algorithm="HS256", headers={"kid": TEST_KID})
    _assert_refused(_get(client, "me", token))


def test_hs256_signed_with_the_public_key_as_secret_is_refused(client):
    """The classic algorithm-confusion attack: the public key is public, so it must never be an HMAC key."""
    public_pem = (
        signing_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": TEST_KID}).encode())
    payload = _b64(json.dumps(access_claims()).encode())
    signature = hmac.new(public_pem, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    _assert_refused(_get(client, "me", f"{header}.{payload}.{_b64(signature)}"))


def test_a_token_signed_by_another_key_with_our_kid_is_refused(client):
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = jwt.encode(access_claims(), other_key, algorithm="RS256", headers={"kid": TEST_KID})
    _assert_refused(_get(client, "me", token))


def test_a_token_naming_an_unknown_kid_is_refused(client):
    token = jwt.encode(access_claims(), signing_key(), algorithm="RS256", headers={"kid": "someone-else"})
    _assert_refused(_get(client, "me", token))


def test_a_token_without_kid_is_refused(client):
    token = jwt.encode(access_claims(), signing_key(), algorithm="RS256")
    _assert_refused(_get(client, "me", token))


def test_a_wrong_audience_is_refused(client):
    _assert_refused(_get(client, "me", issue_access_token(aud="another-api")))


def test_a_wrong_issuer_is_refused(client):
    _assert_refused(_get(client, "me", issue_access_token(iss="https://evil.example")))


def test_an_expired_token_is_401_token_expired(client):
    token = issue_access_token(exp=int(datetime.now(UTC).timestamp()) - 1)
    _assert_refused(_get(client, "me", token), code="token_expired")


def test_a_refresh_token_is_not_an_access_token(client):
    _assert_refused(_get(client, "me", issue_access_token(token_type="refresh")))


def test_a_token_without_expiry_is_refused(client):
    _assert_refused(_get(client, "me", issue_access_token(exp=None)))


def test_a_token_without_user_id_is_refused(client):
    _assert_refused(_get(client, "me", issue_access_token(user_id=None)))


def _announce(*, user_id: int, is_active: bool, is_staff: bool = False, occurred_at: datetime | None = None):
    event = UserAccessChanged(
        user_id=user_id, email="bia@example.com", full_name="Bia", is_active=is_active, is_staff=is_staff, groups=[]
    )
    envelope = Envelope(
        type=event.TYPE,
        version=event.VERSION,
        producer="accounts",
        key=str(user_id),
        payload=event.model_dump(mode="json"),
        **({"occurred_at": occurred_at} if occurred_at else {}),
    )
    user_access_changed(event, envelope)


def test_a_deactivated_users_token_is_refused_at_once(client):
    token = issue_access_token(user_id=7)
    assert _get(client, "me", token).status_code == 200
    _announce(user_id=7, is_active=False)
    _assert_refused(_get(client, "me", token), code="user_inactive")


def test_a_reactivated_users_token_works_again(client):
    token = issue_access_token(user_id=7)
    _announce(user_id=7, is_active=False)
    _announce(user_id=7, is_active=True)
    assert _get(client, "me", token).status_code == 200


def test_a_known_active_user_passes(client):
    _announce(user_id=7, is_active=True)
    assert _get(client, "me", issue_access_token(user_id=7)).status_code == 200


def test_staff_endpoint_refuses_a_shopper_with_403(client):
    response = _get(client, "staff", issue_access_token(is_staff=False))
    assert response.status_code == 403
    assert response.json() == {"detail": "Só para a equipe.", "code": "permission_denied"}


def test_staff_endpoint_admits_staff(client):
    response = _get(client, "staff", issue_access_token(user_id=3, is_staff=True, groups=("Merchandiser",)))
    assert response.status_code == 200
    assert response.json() == {"id": 3, "email": "ana@example.com", "is_staff": True, "groups": ["Merchandiser"]}


def test_staff_endpoint_refuses_an_unauthenticated_caller_with_401(client):
    assert _get(client, "staff").status_code == 401


def test_staff_endpoint_refuses_a_token_whose_staff_rights_were_withdrawn(client):
    token = issue_access_token(user_id=3, is_staff=True)
    _announce(user_id=3, is_active=True, is_staff=False)
    assert _get(client, "staff", token).status_code == 403


def test_optional_user_is_none_for_a_guest(client):
    assert _get(client, "open").json() == {"guest": True}


def test_optional_user_is_the_caller_with_a_valid_token(client):
    assert _get(client, "open", issue_access_token(user_id=9)).json()["id"] == 9


def test_optional_user_refuses_a_bad_token_instead_of_treating_it_as_a_guest(client):
    _assert_refused(_get(client, "open", "garbage"))


def test_optional_user_refuses_an_expired_token(client):
    token = issue_access_token(exp=int(datetime.now(UTC).timestamp()) - 10)
    _assert_refused(_get(client, "open", token), code="token_expired")
