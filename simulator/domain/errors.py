"""The API's error catalogue, as the domain raises it.

Business codes (1001, 1002, 2001, 4001, 4002) are the real service's; HTTP-level errors
carry their HTTP status as their code (400, 402, 429 ...). Which HTTP status a business
code travels on is the HTTP layer's choice (see simulator/http/envelope.py).
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any


class Code(IntEnum):
    OK = 0
    BAD_TOKEN = 1001
    SESSION_NOT_FOUND = 1002
    NO_CREDITS = 2001
    UNSUPPORTED_FILE = 4001
    FILE_TOO_LARGE = 4002
    BAD_REQUEST = 400
    PAYMENT_REQUIRED = 402
    FORBIDDEN = 403
    NOT_FOUND = 404
    METHOD_NOT_ALLOWED = 405
    CONFLICT = 409
    PAYLOAD_TOO_LARGE = 413
    UNSUPPORTED_MEDIA_TYPE = 415
    RATE_LIMITED = 429
    HEADERS_TOO_LARGE = 431
    INTERNAL = 500
    UNAVAILABLE = 503

    @property
    def is_business(self) -> bool:
        return self >= 1000


class ApiError(Exception):
    """An answer of the API that is not a success."""

    def __init__(
        self,
        code: Code,
        message: str,
        *,
        retry_after: int | None = None,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.retry_after = retry_after
        self.details = details
        self.headers = headers or {}


def bad_token(why: str = "Token is missing, invalid or expired") -> ApiError:
    return ApiError(Code.BAD_TOKEN, f"{why}. Request a new anonymous token with the same X-Client-Id.")


def session_not_found() -> ApiError:
    return ApiError(Code.SESSION_NOT_FOUND, "Session not found. Create a new session.")


def bad_request(message: str, details: dict[str, Any] | None = None) -> ApiError:
    return ApiError(Code.BAD_REQUEST, message, details=details)


def not_found(what: str) -> ApiError:
    return ApiError(Code.NOT_FOUND, f"{what} not found")


def conflict(message: str) -> ApiError:
    return ApiError(Code.CONFLICT, message)
