"""Signing keys: JWKS, key from file or env, generated on first use, rotation without logging anyone out."""

import json
import stat
from datetime import timedelta
from io import StringIO
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.tokens.keys import current_keyring, generate_private_key, key_id, keyring_activate, private_pem
from accounts.tokens.services import tokens_for_user
from common.auth.tokens import authenticate_access_token
from tests.conftest import post

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh_keys(settings, tmp_path):
    """A key directory of this test's own, so rotation never touches the other tests' key."""
    settings.JWT_PRIVATE_KEY_PATH = str(tmp_path / "jwt" / "signing.pem")
    settings.JWT_RETIRED_KEYS_PATH = str(tmp_path / "jwt" / "retired.json")
    settings.JWT_NEXT_KEY_PATH = str(tmp_path / "jwt" / "next.pem")
    return tmp_path / "jwt"


def _rotate(*, out=None) -> None:
    """Both steps at once (the wait between them has its own tests)."""
    call_command("rotate_jwt_keys", "--stage", stdout=StringIO())
    call_command("rotate_jwt_keys", "--activate", "--force", stdout=out or StringIO())


def _kid(token: str) -> str:
    return jwt.get_unverified_header(token)["kid"]


def test_jwks_is_served_at_the_well_known_path_with_the_signing_key(client, fresh_keys):
    response = client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    [key] = response.json()["keys"]
    assert key["kid"] == current_keyring().kid
    assert (key["kty"], key["alg"], key["use"], key["e"]) == ("RSA", "RS256", "sig", "AQAB")
    assert set(key) == {"kty", "alg", "use", "kid", "n", "e"}  # no private parts
    assert response["Cache-Control"] == "public, max-age=10"


def test_a_missing_key_file_is_generated_once_with_owner_only_permissions(fresh_keys):
    path = fresh_keys / "signing.pem"
    assert not path.exists()
    kid = current_keyring().kid
    assert path.exists()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert current_keyring().kid == kid


def test_the_signing_key_can_come_from_an_environment_variable(settings, fresh_keys, user):
    key = generate_private_key()
    settings.JWT_PRIVATE_KEY = private_pem(key).decode()
    token = tokens_for_user(user=user).access
    assert _kid(token) == key_id(key.public_key())
    jwt.decode(token, key.public_key(), algorithms=["RS256"], audience=settings.JWT_AUDIENCE)
    assert not (fresh_keys / "signing.pem").exists()


def test_rotation_refuses_a_key_that_comes_from_the_environment(settings, fresh_keys):
    settings.JWT_PRIVATE_KEY = private_pem(generate_private_key()).decode()
    with pytest.raises(CommandError, match="JWT_PRIVATE_KEY"):
        call_command("rotate_jwt_keys", stdout=StringIO())


def test_after_rotation_old_tokens_keep_working_and_new_ones_carry_the_new_kid(client, settings, fresh_keys, user):
    old_kid = current_keyring().kid
    old = tokens_for_user(user=user)
    out = StringIO()
    _rotate(out=out)
    new_kid = current_keyring().kid
    assert new_kid != old_kid
    assert out.getvalue().splitlines() == [
        f"Retired key {old_kid}: still published until its tokens have expired.",
        f"Signing with new key {new_kid}.",
    ]
    # The old access token works here and, through the JWKS, in every other service.
    assert client.get("/api/accounts/me", HTTP_AUTHORIZATION=f"Bearer {old.access}").status_code == 200
    jwks = client.get("/.well-known/jwks.json").json()
    assert [key["kid"] for key in jwks["keys"]] == [new_kid, old_kid]
    settings.JWT_JWKS = jwks
    assert authenticate_access_token(old.access).id == user.pk
    # The old refresh token still rotates, and what it gets back is signed with the new key.
    refreshed = post(client, "token/refresh", {"refresh": old.refresh}).json()
    assert (_kid(refreshed["access"]), _kid(refreshed["refresh"])) == (new_kid, new_kid)
    assert authenticate_access_token(refreshed["access"]).id == user.pk


def test_a_retired_key_leaves_the_jwks_after_the_access_lifetime_and_the_ring_after_the_refresh_lifetime(
    fresh_keys,
):
    old_kid = current_keyring().kid
    _rotate()
    ring = current_keyring()
    now = timezone.now()
    published = lambda at: [key["kid"] for key in ring.jwks(now=at)["keys"]]  # noqa: E731
    assert published(now + timedelta(minutes=4)) == [ring.kid, old_kid]
    assert published(now + timedelta(minutes=5, seconds=1)) == [ring.kid]
    assert ring.verifying_key(old_kid, now=now + timedelta(hours=23)) is not None
    assert ring.verifying_key(old_kid, now=now + timedelta(days=1, seconds=1)) is None


def test_rotation_drops_retired_keys_whose_tokens_have_all_expired(fresh_keys):
    first = current_keyring().kid
    _rotate()
    retired_file = Path(fresh_keys / "retired.json")
    entries = json.loads(retired_file.read_text())
    entries[0]["retired_at"] = (timezone.now() - timedelta(days=2)).isoformat()
    retired_file.write_text(json.dumps(entries))
    second = current_keyring().kid
    _rotate()
    assert [entry["kid"] for entry in json.loads(retired_file.read_text())] == [second]
    assert first != second


def test_the_key_file_holds_a_pem_private_key(fresh_keys):
    current_keyring()
    key = serialization.load_pem_private_key((fresh_keys / "signing.pem").read_bytes(), password=None)
    assert key_id(key.public_key()) == current_keyring().kid


def test_a_staged_key_is_published_before_it_signs(client, fresh_keys, user):
    current = current_keyring().kid
    out = StringIO()
    call_command("rotate_jwt_keys", stdout=out)  # no step named: the due one, staging
    staged = current_keyring().next.kid
    assert out.getvalue() == f"Next key {staged} published in the JWKS; it signs nothing until --activate.\n"
    assert [key["kid"] for key in client.get("/.well-known/jwks.json").json()["keys"]] == [current, staged]
    assert _kid(tokens_for_user(user=user).access) == current
    call_command("rotate_jwt_keys", "--stage", stdout=StringIO())  # idempotent
    assert current_keyring().next.kid == staged


def test_activation_waits_until_every_verifier_has_had_time_to_fetch_the_next_key(settings, fresh_keys):
    settings.JWT_NEXT_KEY_MIN_PUBLISHED_SECONDS = 60
    with pytest.raises(CommandError, match="no next key is staged"):
        call_command("rotate_jwt_keys", "--activate", stdout=StringIO())
    current = current_keyring().kid
    call_command("rotate_jwt_keys", "--stage", stdout=StringIO())
    with pytest.raises(CommandError, match="published for too short a time"):
        call_command("rotate_jwt_keys", stdout=StringIO())  # the due step is activation: refused for now
    assert current_keyring().kid == current
    staged = current_keyring().next
    keyring_activate(now=staged.staged_at + timedelta(seconds=61))
    ring = current_keyring()
    assert (ring.kid, ring.next, [key.kid for key in ring.retired]) == (staged.kid, None, [current])


def test_revoking_a_retired_key_removes_it_from_the_jwks_and_the_ring_at_once(client, fresh_keys, user):
    old = tokens_for_user(user=user)
    old_kid = current_keyring().kid
    _rotate()
    out = StringIO()
    call_command("rotate_jwt_keys", f"--revoke={old_kid}", stdout=out)
    assert out.getvalue() == f"Revoked retired key {old_kid}.\n"
    assert old_kid not in [key["kid"] for key in client.get("/.well-known/jwks.json").json()["keys"]]
    assert post(client, "token/refresh", {"refresh": old.refresh}).status_code == 401
    with pytest.raises(CommandError, match="no key"):
        call_command("rotate_jwt_keys", "--revoke=unknown-kid", stdout=StringIO())


def test_a_key_id_that_begins_with_a_dash_reaches_the_command_written_with_an_equals_sign(fresh_keys):
    """RFC 7638 thumbprints are base64url: one key in 64 has a kid beginning with '-'."""
    with pytest.raises(CommandError, match="no key"):  # the ring's answer, not argparse's "expected one argument"
        call_command("rotate_jwt_keys", "--revoke=-k121ja1lOBhqxg5hhp9A8qRvug", stdout=StringIO())
