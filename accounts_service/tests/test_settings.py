"""Real settings (not the test overrides): Argon2 first, token lifetimes, lockout rule."""

from datetime import timedelta

import config.settings as real


def test_argon2_is_the_first_password_hasher():
    assert real.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_tokens_are_rs256_with_5_minute_access_and_1_day_rotating_refresh():
    jwt_settings = real.SIMPLE_JWT
    assert jwt_settings["ALGORITHM"] == "RS256"
    assert jwt_settings["ACCESS_TOKEN_LIFETIME"] == timedelta(minutes=5)
    assert jwt_settings["REFRESH_TOKEN_LIFETIME"] == timedelta(days=1)
    assert (jwt_settings["ROTATE_REFRESH_TOKENS"], jwt_settings["BLACKLIST_AFTER_ROTATION"]) == (True, True)


def test_lockout_is_5_failures_per_account_and_client_address_for_15_minutes():
    assert (
        5,
        timedelta(minutes=15),
        [["username", "ip_address"]],
        "common.ratelimit.client_address",
    ) == (real.AXES_FAILURE_LIMIT, real.AXES_COOLOFF_TIME, real.AXES_LOCKOUT_PARAMETERS, real.AXES_CLIENT_IP_CALLABLE)
    assert real.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
