"""Settings of the accounts service: the shared base from ``common.settings`` plus this service's own."""

from datetime import timedelta
from pathlib import Path

import environ

from common.settings import build_settings, var_dir

BASE_DIR = Path(__file__).resolve().parent.parent

globals().update(
    build_settings(
        service="accounts",
        base_dir=BASE_DIR,
        port=8002,
        apps=[
            "axes",
            "rest_framework_simplejwt.token_blacklist",
            "accounts.users",
            "accounts.addresses",
            "accounts.tokens",
            "accounts.passwords",
            "accounts.signon",
        ],
    )
)

_env = environ.Env()

# Accounts is the sign-on server of the four admins: it answers "still signed in?" from its own table.
SSO_SESSION_STATE = "accounts.signon.selectors.signon_is_active"
SSO_SESSION_END = "accounts.signon.services.signon_end"

AUTH_USER_MODEL = "users.User"

# django-axes first: it refuses a locked-out account before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
MIDDLEWARE.append("axes.middleware.AxesMiddleware")  # noqa: F821  (from build_settings)

# Brute force: 5 failed logins for one account from one client address within 15 minutes lock that pair
# for 15 minutes, on POST /api/accounts/token and on the admin login alike; the answer is 429. Nobody
# else can lock the owner out from elsewhere; spraying from one address meets the per-client rate limit
# (common.ratelimit). The address comes from TRUSTED_PROXY_HEADER when the proxy in front sets one.
AXES_FAILURE_LIMIT = _env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=_env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "common.ratelimit.client_address"
AXES_USERNAME_FORM_FIELD = "username"  # the admin form's field and authenticate()'s keyword (not USERNAME_FIELD)
AXES_USERNAME_CALLABLE = "accounts.tokens.lockout.username_of"
AXES_LOCKOUT_CALLABLE = "accounts.tokens.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False

# Tokens (djangorestframework-simplejwt with a key ring: see accounts/tokens/keys.py).
SIMPLE_JWT = {
    "ALGORITHM": "RS256",
    "SIGNING_KEY": None,
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=5),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=1),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "ISSUER": JWT_ISSUER,  # noqa: F821  (from build_settings)
    "AUDIENCE": JWT_AUDIENCE,  # noqa: F821
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
    "TOKEN_TYPE_CLAIM": "token_type",
    "JTI_CLAIM": "jti",
}
# The signing key: PEM text in JWT_PRIVATE_KEY (a secret), or a file; the default file is generated on
# first use (var/ is git-ignored). Retired public keys stay published until their tokens have expired.
JWT_PRIVATE_KEY = _env.str("JWT_PRIVATE_KEY", default="")
JWT_PRIVATE_KEY_PATH = _env.str("JWT_PRIVATE_KEY_PATH", default=str(var_dir() / "jwt" / "accounts-signing-key.pem"))
JWT_RETIRED_KEYS_PATH = _env.str("JWT_RETIRED_KEYS_PATH", default=str(var_dir() / "jwt" / "retired-keys.json"))
# The staged next key (rotate_jwt_keys --stage): published before it signs, activated once every verifier
# has refreshed its JWKS (common.auth caches it JWKS_CACHE_SECONDS = 15 s; the JWKS answer max-age=10).
JWT_NEXT_KEY_PATH = _env.str("JWT_NEXT_KEY_PATH", default=str(var_dir() / "jwt" / "next-signing-key.pem"))
JWT_NEXT_KEY_MIN_PUBLISHED_SECONDS = _env.int("JWT_NEXT_KEY_MIN_PUBLISHED_SECONDS", default=60)

# Password reset links point at the storefront, which posts uid/token to password-reset/confirm.
STOREFRONT_URL = _env.str("STOREFRONT_URL", default="http://127.0.0.1:3000")
PASSWORD_RESET_PATH = _env.str("PASSWORD_RESET_PATH", default="/reset-password")
PASSWORD_RESET_TIMEOUT = _env.int("PASSWORD_RESET_TIMEOUT", default=60 * 60)
PASSWORD_RESET_THROTTLE_SECONDS = _env.int("PASSWORD_RESET_THROTTLE_SECONDS", default=60)
