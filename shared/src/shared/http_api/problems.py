"""RFC 9457 problem+json for every non-2xx response.

Covers our ``AppError`` tree, FastAPI's request validation (422) and Starlette's own HTTP errors
(404, 405, ...). Anything unexpected is caught by ``RequestContextMiddleware``, which logs it and
renders a 500 problem with no internals.
"""

from __future__ import annotations

import logging
from typing import Any

from asyncpg.exceptions import PostgresError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from shared.errors import PROBLEM_TYPE_BASE, AppError
from shared.logging import get_request_id

PROBLEM_JSON = "application/problem+json"
logger = logging.getLogger("shared.problems")

_STATUS_SLUGS = {
    400: ("bad-request", "Bad request"),
    401: ("unauthorized", "Authentication required"),
    403: ("forbidden", "Forbidden"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    406: ("not-acceptable", "Not acceptable"),
    409: ("conflict", "Conflict"),
    412: ("precondition-failed", "Precondition failed"),
    413: ("payload-too-large", "Request body too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    422: ("validation-error", "Request validation failed"),
    428: ("precondition-required", "Precondition required"),
    429: ("rate-limited", "Too many requests"),
    500: ("internal-error", "Internal server error"),
    503: ("upstream-unavailable", "A dependency is unavailable"),
}


class Problem(BaseModel):
    """An RFC 9457 problem details object."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(examples=[PROBLEM_TYPE_BASE + "case-not-found"])
    title: str = Field(examples=["Case not found"])
    status: int = Field(examples=[404])
    detail: str | None = Field(default=None, examples=["No case with that id"])
    instance: str | None = Field(default=None, examples=["/v1/cases/7d9c…"])
    request_id: str | None = Field(default=None, description="Correlation id (X-Request-ID)")


class ValidationIssue(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ValidationProblem(Problem):
    errors: list[ValidationIssue] = Field(default_factory=list)


def problem_response(
    request: Request | None,
    *,
    status: int,
    type_slug: str,
    title: str,
    detail: str | None = None,
    extensions: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """Build a problem+json response with the request's path and correlation id."""
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + type_slug,
        "title": title,
        "status": status,
    }
    if detail:
        body["detail"] = detail
    if request is not None:
        body["instance"] = request.url.path
    if rid := get_request_id():
        body["request_id"] = rid
    if extensions:
        body.update(extensions)
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


def slug_for_status(status: int) -> tuple[str, str]:
    """The stable type slug and title for a bare HTTP status."""
    return _STATUS_SLUGS.get(status, ("http-error", "HTTP error"))


async def _app_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    if exc.status >= 500:
        logger.error("app error %s", exc.type, extra={"problem_type": exc.type})
    return problem_response(
        request,
        status=exc.status,
        type_slug=exc.type,
        title=exc.title,
        detail=exc.detail,
        extensions=exc.extensions,
        headers=exc.headers,
    )


def _clean_loc(loc: tuple[Any, ...] | list[Any]) -> list[str | int]:
    return [p if isinstance(p, int) else str(p) for p in loc]


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    # Only loc, msg and type: the offending input may hold personal data, so it is never echoed.
    errors = [
        {
            "loc": _clean_loc(e.get("loc", ())),
            "msg": str(e.get("msg", "")),
            "type": str(e.get("type", "")),
        }
        for e in exc.errors()
    ]
    return problem_response(
        request,
        status=422,
        type_slug="validation-error",
        title="Request validation failed",
        detail=f"{len(errors)} validation error(s) in the request",
        extensions={"errors": errors},
    )


# FastAPI's one 400 of its own: a JSON body it could not even decode (not UTF-8, say). Invalid
# JSON is already a 422 ``json_invalid``; an undecodable body is the same kind of input error.
_UNPARSABLE_BODY = "There was an error parsing the body"


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400 and exc.detail == _UNPARSABLE_BODY:
        return problem_response(
            request,
            status=422,
            type_slug="validation-error",
            title="Request validation failed",
            detail="1 validation error(s) in the request",
            extensions={
                "errors": [{"loc": ["body"], "msg": "Body is not JSON", "type": "json_invalid"}]
            },
        )
    headers = dict(exc.headers) if exc.headers else {}
    if exc.status_code == 405:
        # Starlette names the methods of the one route it tried; Allow lists the resource's.
        headers["Allow"] = _allowed_methods(request) or headers.get("Allow", "")
    slug, title = slug_for_status(exc.status_code)
    detail = exc.detail if isinstance(exc.detail, str) and exc.detail != title else None
    return problem_response(
        request,
        status=exc.status_code,
        type_slug=slug,
        title=title,
        detail=detail,
        headers=headers or None,
    )


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def _allowed_methods(request: Request) -> str:
    """Every method some route serves at the request's path (RFC 9110 §10.2.1 ``Allow``)."""
    allowed = [
        method
        for method in _METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL
            for route in request.app.router.routes
        )
    ]
    return ", ".join(allowed)


_TEXT_REJECTED_SQLSTATES = frozenset({"22021", "22P05"})  # bad byte sequence; untranslatable (NUL)


# A database too busy to answer in time is a 503 the client may retry, never a 500: a statement
# cancelled by statement_timeout (57014), a lock not granted within lock_timeout (55P03), a
# deadlock victim (40P01). The pool's own wait (sqlalchemy.exc.TimeoutError) is the same.
_BUSY_SQLSTATES = frozenset({"57014", "55P03", "40P01"})
BUSY_RETRY_AFTER_SECONDS = 2


def _busy(request: Request) -> JSONResponse:
    return problem_response(
        request,
        status=503,
        type_slug="upstream-unavailable",
        title="A dependency is unavailable",
        detail="The database is busy; retry the request shortly",
        headers={"Retry-After": str(BUSY_RETRY_AFTER_SECONDS)},
    )


async def _pool_timeout(request: Request, exc: Exception) -> JSONResponse:
    logger.warning("database pool exhausted: no connection within the pool timeout")
    return _busy(request)


# Integrity constraint violations (SQLSTATE class 23): a row that breaks a constraint is refused
# as the client's conflict or invalid input, never a 500. Validation should have caught it first,
# so each one is logged as a warning, by constraint name only: PostgreSQL's message and DETAIL
# quote the failing row ("Failing row contains ..."), and the problem and the log echo neither.
_CONFLICT_SQLSTATES = frozenset({"23505", "23P01", "23503", "23001"})  # unique, exclusion, FK
_INVALID_SQLSTATES = frozenset({"23502", "23514"})  # not null, check


def _constraint_violation(request: Request, error: object) -> JSONResponse | None:
    sqlstate = getattr(error, "sqlstate", None)
    if sqlstate not in _CONFLICT_SQLSTATES | _INVALID_SQLSTATES:
        return None
    logger.warning(
        "constraint violation %s on %s (%s)",
        sqlstate,
        getattr(error, "table_name", None),
        getattr(error, "constraint_name", None) or getattr(error, "column_name", None),
    )
    if sqlstate in _CONFLICT_SQLSTATES:
        return problem_response(
            request,
            status=409,
            type_slug="constraint-conflict",
            title="Conflict",
            detail="The request conflicts with data already recorded",
        )
    return problem_response(
        request,
        status=422,
        type_slug="constraint-violation",
        title="Request validation failed",
        detail="The request would leave a record incomplete or inconsistent",
    )


def _unencodable(exc: BaseException) -> bool:
    """The driver could not encode a parameter: text with a lone surrogate ("\\ud800" in JSON)."""
    cause: BaseException | None = exc
    for _ in range(10):  # a chain, not a cycle, but bounded all the same
        if cause is None:
            return False
        if isinstance(cause, UnicodeEncodeError):
            return True
        cause = cause.__cause__ or cause.__context__
    return False


def _postgres_error(exc: BaseException) -> object:
    """The driver's error under SQLAlchemy's wrapper (or the error itself, from the driver)."""
    orig = getattr(exc, "orig", exc)
    for candidate in (getattr(orig, "__cause__", None), orig):
        if getattr(candidate, "sqlstate", None):
            return candidate
    return orig


async def _driver_error(request: Request, exc: Exception) -> JSONResponse:
    # The hot paths use asyncpg directly, so its errors arrive without SQLAlchemy's wrapper.
    if getattr(exc, "sqlstate", None) in _BUSY_SQLSTATES:
        return _busy(request)
    if (violation := _constraint_violation(request, exc)) is not None:
        return violation
    raise exc


async def _database_error(request: Request, exc: Exception) -> JSONResponse:
    # Text PostgreSQL cannot store (a NUL character, say) is the client's input, not our fault:
    # a 422, never a 500. Anything else is a genuine server error.
    sqlstate = getattr(getattr(exc, "orig", None), "sqlstate", None) or getattr(
        getattr(getattr(exc, "orig", None), "__cause__", None), "sqlstate", None
    )
    if getattr(exc, "connection_invalidated", False):
        # The server went away under a pooled connection (a restart): SQLAlchemy has already
        # invalidated the pool, so the client's retry gets a fresh connection.
        return problem_response(
            request,
            status=503,
            type_slug="upstream-unavailable",
            title="A dependency is unavailable",
            detail="The database connection was lost; retry the request",
            headers={"Retry-After": "1"},
        )
    if sqlstate in _BUSY_SQLSTATES:
        return _busy(request)
    if (violation := _constraint_violation(request, _postgres_error(exc))) is not None:
        return violation
    if sqlstate in _TEXT_REJECTED_SQLSTATES or _unencodable(exc):
        return problem_response(
            request,
            status=422,
            type_slug="unstorable-text",
            title="Request validation failed",
            detail="A text field holds a character that cannot be stored (NUL, a lone surrogate)",
        )
    raise exc


def install_problem_handlers(app: FastAPI) -> None:
    """Register the handlers that turn every error into problem+json."""
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(DBAPIError, _database_error)
    app.add_exception_handler(PoolTimeout, _pool_timeout)
    app.add_exception_handler(PostgresError, _driver_error)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` entries documenting the problem+json a route can return."""
    out: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        _, title = slug_for_status(status)
        model = ValidationProblem if status == 422 else Problem
        out[status] = {
            "description": title,
            "content": {
                PROBLEM_JSON: {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}
            },
        }
    return out
