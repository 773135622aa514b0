"""One JSON error shape for the whole API: ``{"code": "<stable_code>", "detail": "<human text>"}``.

Validation errors add ``"errors": {"field": ["message", ...]}``, whether a serializer or a service (Django's
``ValidationError``) refused the data, so views let a service's refusal propagate instead of converting it by hand.
Unexpected exceptions are logged and answered with ``{"code": "server_error", ...}`` and status 500, never with a
traceback or an HTML page.
"""

from __future__ import annotations

import logging

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from rest_framework import exceptions, status
from rest_framework.fields import get_error_detail
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)

SERVER_ERROR_DETAIL = "Something went wrong on our side. Nothing was changed; please try again."


def error_body(code: str, detail: str, **extra: object) -> dict:
    return {"code": code, "detail": detail, **extra}


def _first_code(codes: object) -> str | None:
    if isinstance(codes, str):
        return codes
    if isinstance(codes, list) and codes:
        return _first_code(codes[0])
    if isinstance(codes, dict) and codes:
        return _first_code(next(iter(codes.values())))
    return None


def _as_drf_validation_error(exc: DjangoValidationError) -> exceptions.ValidationError:
    """A service's refusal keyed like a serializer's: per field, and message-only errors under non_field_errors."""
    detail = get_error_detail(exc)  # keeps each message's code and fills in its params
    if isinstance(detail, dict):
        # model.clean() and constraints file their errors under "__all__", which clients should not need to know.
        detail = {
            api_settings.NON_FIELD_ERRORS_KEY if key == NON_FIELD_ERRORS else key: errors
            for key, errors in detail.items()
        }
    else:
        detail = {api_settings.NON_FIELD_ERRORS_KEY: detail}
    return exceptions.ValidationError(detail)


def exception_handler(exc: Exception, context: dict) -> Response:
    if isinstance(exc, DjangoValidationError):
        # DRF leaves Django's ValidationError unhandled (a 500); it is a refusal of the input, so a 400 like any other.
        exc = _as_drf_validation_error(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        logger.exception("Unhandled error in API view %s", context.get("view").__class__.__name__, exc_info=exc)
        return Response(error_body("server_error", SERVER_ERROR_DETAIL), status=status.HTTP_500_INTERNAL_SERVER_ERROR)

    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = error_body("invalid", "Some of the data sent is not valid.", errors=errors)
        return response

    detail = getattr(exc, "detail", None)
    if isinstance(exc, exceptions.APIException):
        code = _first_code(exc.get_codes()) or exc.default_code
    else:  # Http404 and PermissionDenied from Django, which DRF converted
        code = "not_found" if response.status_code == 404 else "permission_denied"
    if response.status_code == 404:
        # The same answer for objects that do not exist and objects of other users.
        code, detail = "not_found", "Not found."
    response.data = error_body(code, str(detail) if detail is not None else "")
    return response


def json_error_response(status_code: int, code: str, detail: str) -> JsonResponse:
    """The same shape for errors raised outside DRF views (unknown /api/ URLs, Django's 500 handler)."""
    return JsonResponse(error_body(code, detail), status=status_code)
