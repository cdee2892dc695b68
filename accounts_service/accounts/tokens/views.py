"""``GET /.well-known/jwks.json``: the public keys every other service verifies access tokens with."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from accounts.tokens.keys import current_keyring


@require_GET
def jwks(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(current_keyring().jwks())
    # Short: a revoked key must leave every verifier within seconds (they refresh every 15 s).
    response["Cache-Control"] = "public, max-age=10"
    return response
