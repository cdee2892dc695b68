"""POST token, token/refresh, logout and me/logout-all: issuing, single-use rotation and revocation."""

from datetime import timedelta

import jwt
import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts.tokens.keys import current_keyring
from accounts.tokens.models import RevokedTokenFamily
from accounts.tokens.signing import AccountsRefreshToken
from tests.conftest import PASSWORD, post

pytestmark = pytest.mark.django_db


def _claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def _login(client, email="ana@example.com", password=PASSWORD):
    return post(client, "token", {"email": email, "password": password})


def test_token_answers_an_access_and_a_refresh_token(client, user):
    response = _login(client)
    assert response.status_code == 200
    assert set(response.json()) == {"access", "refresh"}


def test_access_token_is_rs256_with_kid_iss_aud_and_the_users_claims(client, make_user):
    user = make_user(email="mara@example.com", is_staff=True, is_superuser=True)
    user.groups.add(Group.objects.get(name="Merchandiser"), Group.objects.get(name="Customer support"))
    access = _login(client, email="MARA@example.com").json()["access"]
    header, claims = jwt.get_unverified_header(access), _claims(access)
    assert header == {"alg": "RS256", "kid": current_keyring().kid, "typ": "JWT"}
    assert claims["iss"] == "https://accounts.cosmeticos.co"
    assert claims["aud"] == "cosmeticos-api"
    assert claims["token_type"] == "access"
    assert claims["exp"] - claims["iat"] == 300
    assert claims["user_id"] == str(user.pk)
    assert (claims["email"], claims["is_staff"], claims["is_superuser"]) == ("mara@example.com", True, True)
    assert claims["groups"] == ["Customer support", "Merchandiser"]


def test_refresh_token_lives_one_day_and_is_recorded_as_outstanding(client, user):
    refresh = _login(client).json()["refresh"]
    claims = _claims(refresh)
    assert claims["token_type"] == "refresh"
    assert claims["exp"] - claims["iat"] == 86400
    assert OutstandingToken.objects.filter(jti=claims["jti"], user=user).exists()


def test_login_records_last_login(client, user):
    _login(client)
    user.refresh_from_db()
    assert user.last_login is not None


@pytest.mark.parametrize(
    ("email", "password"),
    [("ana@example.com", "wrong password"), ("nobody@example.com", PASSWORD)],
    ids=["wrong-password", "unknown-email"],
)
def test_bad_credentials_are_401_invalid_credentials(client, user, email, password):
    response = _login(client, email=email, password=password)
    assert response.status_code == 401
    assert response.json() == {
        "detail": "Nenhuma conta ativa corresponde a este e-mail e senha.",
        "code": "invalid_credentials",
    }
    assert OutstandingToken.objects.count() == 0


def test_a_deactivated_user_cannot_log_in(client, make_user):
    make_user(is_active=False)
    assert _login(client).json()["code"] == "invalid_credentials"


def test_refresh_answers_a_new_pair_and_the_old_refresh_token_stops_working(client, user):
    first = _login(client).json()
    response = post(client, "token/refresh", {"refresh": first["refresh"]})
    assert response.status_code == 200
    second = response.json()
    assert second["refresh"] != first["refresh"]
    assert _claims(second["access"])["email"] == "ana@example.com"
    again = post(client, "token/refresh", {"refresh": first["refresh"]})
    assert again.status_code == 401
    assert again.json() == {
        "detail": "O token de renovação é inválido, expirou ou já foi usado.",
        "code": "invalid_token",
    }


def test_reusing_a_rotated_refresh_token_revokes_the_whole_family(client, user):
    """The thief refreshed first: when the victim's (now used) token comes back, the thief's
    descendant dies too, and the other logins of the user are left alone."""
    stolen = _login(client).json()["refresh"]
    other_device = _login(client).json()["refresh"]
    thief = post(client, "token/refresh", {"refresh": stolen}).json()["refresh"]
    thief_next = post(client, "token/refresh", {"refresh": thief}).json()["refresh"]
    assert post(client, "token/refresh", {"refresh": stolen}).status_code == 401  # the victim's reuse
    refused = post(client, "token/refresh", {"refresh": thief_next})
    assert (refused.status_code, refused.json()["code"]) == (401, "invalid_token")
    assert list(RevokedTokenFamily.objects.values_list("family", "reason")) == [(_claims(stolen)["family"], "reuse")]
    assert post(client, "token/refresh", {"refresh": other_device}).status_code == 200


def test_rotation_keeps_the_family_and_a_login_starts_a_new_one(client, user):
    first = _login(client).json()["refresh"]
    rotated = post(client, "token/refresh", {"refresh": first}).json()["refresh"]
    assert _claims(rotated)["family"] == _claims(first)["family"]
    assert _claims(_login(client).json()["refresh"])["family"] != _claims(first)["family"]


def test_logout_ends_the_family_of_a_token_already_rotated_by_a_thief(client, user):
    stolen = _login(client).json()["refresh"]
    thief = post(client, "token/refresh", {"refresh": stolen}).json()["refresh"]
    assert post(client, "logout", {"refresh": stolen}).status_code == 204
    assert post(client, "token/refresh", {"refresh": thief}).status_code == 401


def test_refresh_carries_group_changes_into_the_new_access_token(client, user):
    refresh = _login(client).json()["refresh"]
    user.groups.add(Group.objects.get(name="Customer support"))
    access = post(client, "token/refresh", {"refresh": refresh}).json()["access"]
    assert _claims(access)["groups"] == ["Customer support"]


@pytest.mark.parametrize("token", ["garbage", "a.b.c", ""], ids=["garbage", "three-parts", "empty"])
def test_refresh_with_a_malformed_token_is_401(client, token):
    response = post(client, "token/refresh", {"refresh": token})
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"


def test_refresh_with_an_access_token_is_401(client, user):
    access = _login(client).json()["access"]
    assert post(client, "token/refresh", {"refresh": access}).status_code == 401


def test_refresh_with_an_expired_refresh_token_is_401(client, user):
    token = AccountsRefreshToken.for_user(user)
    token.set_exp(from_time=timezone.now() - timedelta(days=2))
    response = post(client, "token/refresh", {"refresh": str(token)})
    assert response.status_code == 401
    assert BlacklistedToken.objects.count() == 0


def test_refresh_of_a_deactivated_user_is_401(client, user):
    refresh = _login(client).json()["refresh"]
    user.is_active = False
    user.save()
    assert post(client, "token/refresh", {"refresh": refresh}).status_code == 401
    assert OutstandingToken.objects.count() == 1


def test_refresh_with_a_real_tokens_claims_signed_by_another_key_is_401(client, user):
    from cryptography.hazmat.primitives.asymmetric import rsa

    forged = jwt.encode(
        _claims(_login(client).json()["refresh"]),  # a real, outstanding jti
        rsa.generate_private_key(public_exponent=65537, key_size=2048),
        algorithm="RS256",
        headers={"kid": current_keyring().kid},
    )
    assert post(client, "token/refresh", {"refresh": forged}).status_code == 401
    assert post(client, "logout", {"refresh": forged}).status_code == 401
    assert BlacklistedToken.objects.count() == 0


def test_logout_answers_204_and_the_refresh_token_is_refused_afterwards(client, user):
    refresh = _login(client).json()["refresh"]
    response = post(client, "logout", {"refresh": refresh})
    assert response.status_code == 204
    assert response.content == b""
    assert post(client, "token/refresh", {"refresh": refresh}).status_code == 401


def test_logout_twice_is_harmless(client, user):
    refresh = _login(client).json()["refresh"]
    assert post(client, "logout", {"refresh": refresh}).status_code == 204
    assert post(client, "logout", {"refresh": refresh}).status_code == 204
    assert BlacklistedToken.objects.count() == 1


def test_logout_with_a_malformed_token_is_401(client):
    response = post(client, "logout", {"refresh": "garbage"})
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"


def test_logout_all_revokes_every_refresh_token_of_the_caller_only(client, user, make_user):
    other = make_user(email="bia@example.com")
    phone, laptop = _login(client).json(), _login(client).json()
    others = _login(client, email="bia@example.com").json()
    response = post(client, "me/logout-all", HTTP_AUTHORIZATION=f"Bearer {phone['access']}")
    assert response.status_code == 200
    assert response.json() == {"revoked_refresh_tokens": 2}
    assert post(client, "token/refresh", {"refresh": phone["refresh"]}).status_code == 401
    assert post(client, "token/refresh", {"refresh": laptop["refresh"]}).status_code == 401
    assert post(client, "token/refresh", {"refresh": others["refresh"]}).status_code == 200
    assert BlacklistedToken.objects.filter(token__user=other).count() == 1  # only by its own rotation


def test_logout_all_needs_a_token(client):
    response = post(client, "me/logout-all")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
