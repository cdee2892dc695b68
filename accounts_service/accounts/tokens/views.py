"""``GET /.well-known/jwks.json``: the public keys every other service verifies access tokens with."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from accounts.tokens.keys import current_keyring


@require_GET
def jwks(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(current_keyring().jwks())
    # Short enough that a rotation is seen within minutes; verifiers refetch at once on an unknown kid.
    response["Cache-Control"] = "public, max-age=300"
    return response
