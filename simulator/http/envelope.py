"""Every answer in the API's envelope, and every failure turned into one.

`error_style` decides how business codes travel: on the HTTP status below
(`http_status`), or on HTTP 200 with the non-zero code (`http_200`), since the real
service's choice is not documented. HTTP-level codes (400, 402, 429 ...) always travel on
their own status.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..domain.errors import ApiError, Code

log = logging.getLogger("nemosim")

BUSINESS_STATUS = {
    Code.BAD_TOKEN: 401,
    Code.SESSION_NOT_FOUND: 404,
    Code.NO_CREDITS: 403,
    Code.UNSUPPORTED_FILE: 415,
    Code.FILE_TOO_LARGE: 413,
}


def ok(data: Any) -> JSONResponse:
    return JSONResponse({"code": 0, "data": data})


def status_for(code: Code, error_style: str) -> int:
    if code.is_business:
        return 200 if error_style == "http_200" else BUSINESS_STATUS[code]
    return int(code)


def error_response(error: ApiError, *, error_style: str = "http_status", wrapped: bool = False) -> JSONResponse:
    body: dict[str, Any] = {"code": int(error.code), "message": error.message}
    if error.details:
        body["data"] = error.details
    if wrapped:
        # The render proxy's wrapped style reports failures as {"success": false, "error": ...}.
        body.update(success=False, error=error.message)
    headers = dict(error.headers)
    if error.retry_after is not None:
        headers["Retry-After"] = str(error.retry_after)
    return JSONResponse(body, status_code=status_for(error.code, error_style), headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    def style(request: Request) -> str:
        return request.app.state.world.config.http.error_style

    async def on_api_error(request: Request, exc: ApiError) -> JSONResponse:
        wrapped = getattr(request.state, "wrapped_errors", False)
        return error_response(exc, error_style=style(request), wrapped=wrapped)

    async def on_http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        try:
            code = Code(exc.status_code)
        except ValueError:
            code = Code.BAD_REQUEST if exc.status_code < 500 else Code.INTERNAL
        message = {404: "No such route", 405: "Method not allowed on this route"}.get(exc.status_code, str(exc.detail))
        return error_response(ApiError(code, message, headers=dict(exc.headers or {})))

    async def on_validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(ApiError(Code.BAD_REQUEST, "Malformed request"), error_style=style(request))

    async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(ApiError(Code.INTERNAL, "Internal error in the simulator; this is a bug."))

    app.add_exception_handler(ApiError, on_api_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(Exception, on_unexpected)
