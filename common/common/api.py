"""The shared shape of the REST APIs: error body, exception handlers, pagination, JSON rendering.

Errors always answer ``{"detail": "...", "code": "..."}``; request validation keeps Ninja's 422 shape
(``detail`` is the list of problems) and adds ``"code": "validation_error"``.
"""

from __future__ import annotations

import codecs
import logging
import math
from collections.abc import Callable
from typing import Any, Generic, Literal, TypeVar

import orjson
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParser, MultiPartParserError
from django.utils import translation
from django.utils.http import parse_header_parameters
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import BaseRenderer
from pydantic import BaseModel, Field

logger = logging.getLogger(__name__)

T = TypeVar("T")


class ApiError(Exception):
    """A domain error with an HTTP status and a machine-readable code, raised by services and selectors."""

    status = 400
    code = "bad_request"
    detail = _("Bad request.")

    def __init__(self, detail: str | None = None, *, code: str | None = None, status: int | None = None):
        self.detail = detail or self.detail
        self.code = code or self.code
        self.status = status or self.status
        super().__init__(self.detail)


class NotFound(ApiError):
    status, code, detail = 404, "not_found", _("Not found.")


class Conflict(ApiError):
    status, code, detail = 409, "conflict", _("Conflict.")


class Unauthorized(ApiError):
    status, code, detail = (
        401,
        "not_authenticated",
        _("Authentication credentials were not provided or are invalid."),
    )


class Forbidden(ApiError):
    status, code, detail = 403, "permission_denied", _("You do not have permission to do this.")


class TooManyRequests(ApiError):
    status, code, detail = 429, "too_many_requests", _("Too many requests; try again later.")


class ErrorOut(Schema):
    detail: str
    code: str


class ValidationErrorOut(Schema):
    """Request validation keeps Ninja's 422 shape: ``detail`` is the list of problems."""

    detail: list[dict[str, Any]]
    code: Literal["validation_error"]


# What a 422 can be: a domain refusal (ErrorOut) or the request's validation problems.
UnprocessableOut = ErrorOut | ValidationErrorOut


class ORJSONRenderer(BaseRenderer):
    """orjson renders about 13 % faster than the stdlib encoder (see shared/PERFORMANCE.md)."""

    media_type = "application/json"

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> bytes:
        return orjson.dumps(data, default=_json_default)


def _json_default(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    return str(value)


def error_response(api: NinjaAPI, request: HttpRequest, *, status: int, code: str, detail: Any) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "code": code}, status=status)


def install_exception_handlers(api: NinjaAPI) -> None:
    """Map every domain and framework exception to the contract's error shape, once per API."""

    @api.exception_handler(ApiError)
    def _api_error(request, exc: ApiError):
        response = error_response(api, request, status=exc.status, code=exc.code, detail=str(exc.detail))
        for name, value in getattr(exc, "headers", {}).items():  # e.g. Retry-After on a 429
            response[name] = value
        return response

    @api.exception_handler(ValidationError)
    def _validation_error(request, exc: ValidationError):
        return error_response(api, request, status=422, code="validation_error", detail=exc.errors)

    @api.exception_handler(AuthenticationError)
    def _authentication_error(request, exc):
        return error_response(api, request, status=401, code="not_authenticated", detail=str(Unauthorized.detail))

    @api.exception_handler(Http404)
    def _not_found(request, exc):
        return error_response(api, request, status=404, code="not_found", detail=gettext("Not found."))

    @api.exception_handler(PermissionDenied)
    def _permission_denied(request, exc):
        return error_response(api, request, status=403, code="permission_denied", detail=str(Forbidden.detail))

    @api.exception_handler(HttpError)
    def _http_error(request, exc: HttpError):
        code = {
            400: "bad_request",
            401: "not_authenticated",
            403: "permission_denied",
            404: "not_found",
            405: "method_not_allowed",
            409: "conflict",
            429: "too_many_requests",
        }.get(exc.status_code, "error")
        return error_response(api, request, status=exc.status_code, code=code, detail=str(exc))

    @api.exception_handler(Exception)
    def _unexpected(request, exc):
        logger.exception("unhandled error", extra={"path": request.path})
        return error_response(api, request, status=500, code="internal_error", detail=gettext("Internal server error."))


def create_api(*, service: str, title: str, version: str = "1.0.0", **kwargs: Any) -> NinjaAPI:
    """A NinjaAPI with the shared renderer and error handlers, docs at /api/<service>/docs."""
    api = NinjaAPI(
        title=title,
        version=version,
        urls_namespace=f"{service}-api",
        renderer=ORJSONRenderer(),
        docs_url="/docs",
        openapi_url="/openapi.json",
        **kwargs,
    )
    install_exception_handlers(api)
    return api


ACCEPTED_BODY_TYPES = frozenset({"application/json", "application/x-www-form-urlencoded", "multipart/form-data"})


class RequestBodyMiddleware:
    """Refuse a request body the service cannot read before any view (or django-axes) parses it.

    A ``multipart/form-data`` without a valid boundary, a broken multipart body or an unknown charset is
    400 ``malformed_body`` / 415 ``unsupported_charset``, not a parser exception turned 500; on ``/api/``
    a body of another media type than JSON or a form is 415 ``unsupported_media_type``; a NUL character
    in the path, the query or an API body (PostgreSQL text cannot store it) is 400 ``invalid_characters``.
    One middleware, so every endpoint of every service (the admin included) answers the same way.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _without_body(request) and not _has_nul(request):
            return self.get_response(request)  # nothing to refuse (most requests: no language lookup needed)
        # Before LocaleMiddleware: the refusal speaks the request's language itself.
        with translation.override(translation.get_language_from_request(request)):
            refusal = body_refusal(request)
        if refusal is not None:
            status, code, detail = refusal
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": detail, "code": code}, status=status)
            return HttpResponse(detail, status=status, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def body_refusal(request: HttpRequest) -> tuple[int, str, str] | None:
    """(status, code, detail) when the request's body cannot be read, else None."""
    if _has_nul(request):
        # PostgreSQL text cannot hold NUL: refused here, not as a database error deep in a query.
        return 400, "invalid_characters", gettext("The request contains null characters (\\0), which are not accepted.")
    header = request.META.get("CONTENT_TYPE", "")
    if _without_body(request) or not header.strip():
        return None
    try:
        media_type, params = parse_header_parameters(header)
    except (ValueError, UnicodeError):
        return 400, "malformed_content_type", gettext("The Content-Type header is malformed.")
    media_type = media_type.strip().lower()
    charset = params.get("charset")
    if charset is not None:
        try:
            codecs.lookup(charset)
        except (LookupError, ValueError):
            return 415, "unsupported_charset", gettext("Unsupported character encoding.")
    if request.path.startswith("/api/") and not (media_type in ACCEPTED_BODY_TYPES or media_type.endswith("+json")):
        return 415, "unsupported_media_type", gettext("Send the body as application/json.")
    if media_type == "multipart/form-data" and not MultiPartParser.boundary_re.fullmatch(params.get("boundary", "")):
        return 400, "malformed_body", gettext("The multipart body is malformed (missing or invalid boundary).")
    if request.method == "POST" and media_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        try:
            if request.path.startswith("/api/"):
                request.body  # noqa: B018  (kept in memory, so Ninja can still read it after the form parse)
            request.POST  # noqa: B018  (parse now, where a malformed body can still be answered with a 400)
        except MultiPartParserError:
            return 400, "malformed_body", gettext("The multipart body is malformed (missing or invalid boundary).")
        except RequestDataTooBig:
            return 413, "body_too_large", gettext("The request body is too large.")
    return None


def _has_nul(request: HttpRequest) -> bool:
    query = request.META.get("QUERY_STRING", "")
    if "\x00" in request.path or "%00" in query or "\x00" in query:
        return True
    if request.path.startswith("/api/") and request.method in ("POST", "PUT", "PATCH"):
        try:
            body = request.body
        except RequestDataTooBig:
            return False  # answered 413 below
        return b"\x00" in body or b"\\u0000" in body
    return False


def _without_body(request: HttpRequest) -> bool:
    return request.method not in ("POST", "PUT", "PATCH") and _content_length(request) == 0


def _content_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class PageParams(Schema):
    """``?page=1&page_size=24`` (at most 100), validated so a bad value is a 422, never a 500."""

    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(24, ge=1, le=100)


class Page(BaseModel, Generic[T]):
    items: list[T]
    count: int
    page: int
    pages: int


def page_of(items: list[Any], *, count: int, params: PageParams) -> dict[str, Any]:
    return {
        "items": items,
        "count": count,
        "page": params.page,
        "pages": max(1, math.ceil(count / params.page_size)),
    }


def paginate(queryset: QuerySet, params: PageParams) -> tuple[QuerySet, int]:
    """Slice a queryset for a page; returns the slice and the total count (two queries)."""
    count = queryset.count()
    start = (params.page - 1) * params.page_size
    return queryset[start : start + params.page_size], count
