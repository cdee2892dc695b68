"""Authentication shared by every service: accounts' RS256 access tokens, verified against its JWKS.

- ``JWTAuth`` / ``StaffJWTAuth``: Ninja ``HttpBearer`` classes; ``request.auth`` is a ``TokenUser``.
- ``optional_user(request)``: for endpoints open to guests.
- ``common.auth.handlers.user_access_changed``: keeps the ``KnownUser`` read model, so a deactivated
  user's tokens are refused everywhere within seconds.
- ``common.auth.backends.AccountsBackend``: admin single sign-on against accounts.
- ``MERCHANDISER_GROUP``, ``CUSTOMER_SUPPORT_GROUP``: the staff group names. They travel in the
  tokens' ``groups`` claim and name the local admin groups of every service, so they are defined here once.
"""

from common.auth.bearer import JWTAuth, StaffJWTAuth, optional_user
from common.auth.groups import CUSTOMER_SUPPORT_GROUP, MERCHANDISER_GROUP, STAFF_GROUPS
from common.auth.tokens import TokenUser

__all__ = [
    "CUSTOMER_SUPPORT_GROUP",
    "MERCHANDISER_GROUP",
    "STAFF_GROUPS",
    "JWTAuth",
    "StaffJWTAuth",
    "TokenUser",
    "optional_user",
]
