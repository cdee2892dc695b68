"""Authentication shared by every service: accounts' RS256 access tokens, verified against its JWKS.

- ``JWTAuth`` / ``StaffJWTAuth``: Ninja ``HttpBearer`` classes; ``request.auth`` is a ``TokenUser``.
- ``optional_user(request)``: for endpoints open to guests.
- ``common.auth.handlers.user_access_changed``: keeps the ``KnownUser`` read model, so a deactivated
  user's tokens are refused everywhere within seconds.
- ``common.auth.backends.AccountsBackend``: admin single sign-on against accounts.
"""

from common.auth.bearer import JWTAuth, StaffJWTAuth, optional_user
from common.auth.tokens import TokenUser

__all__ = ["JWTAuth", "StaffJWTAuth", "TokenUser", "optional_user"]
