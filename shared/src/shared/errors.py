"""The application error tree. Every error renders as RFC 9457 problem+json.

AppError (500, "internal-error")
├── BadRequest (400)
├── Unauthorized (401)
├── Forbidden (403)
├── NotFound (404)
├── Conflict (409)
│   └── InvalidTransition (409)
├── PreconditionFailed (412)
├── PayloadTooLarge (413)
├── UnprocessableContent (422)
├── PreconditionRequired (428)
├── RateLimited (429)
└── UpstreamUnavailable (503)

A module's errors subclass these and set a stable ``type`` slug, e.g.
``class CaseNotFound(NotFound): type = "case-not-found"``.
"""

from __future__ import annotations

from typing import Any, ClassVar

PROBLEM_TYPE_BASE = "https://casework.example/problems/"


class AppError(Exception):
    """Base of every error the API renders deliberately."""

    status: ClassVar[int] = 500
    type: ClassVar[str] = "internal-error"
    title: ClassVar[str] = "Internal server error"

    def __init__(
        self,
        detail: str | None = None,
        *,
        extensions: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.extensions = extensions or {}
        self.headers = headers or {}

    @classmethod
    def type_uri(cls) -> str:
        return PROBLEM_TYPE_BASE + cls.type


class BadRequest(AppError):
    status = 400
    type = "bad-request"
    title = "Bad request"


class Unauthorized(AppError):
    status = 401
    type = "unauthorized"
    title = "Authentication required"

    def __init__(self, detail: str | None = None, **kwargs: Any) -> None:
        super().__init__(detail, **kwargs)
        self.headers.setdefault("WWW-Authenticate", 'Bearer error="invalid_token"')


class Forbidden(AppError):
    status = 403
    type = "forbidden"
    title = "Forbidden"


class NotFound(AppError):
    status = 404
    type = "not-found"
    title = "Not found"


class Conflict(AppError):
    status = 409
    type = "conflict"
    title = "Conflict"


class InvalidTransition(Conflict):
    type = "invalid-transition"
    title = "Invalid state transition"


class PreconditionFailed(AppError):
    status = 412
    type = "precondition-failed"
    title = "Precondition failed"


class PayloadTooLarge(AppError):
    status = 413
    type = "payload-too-large"
    title = "Request body too large"


class UnprocessableContent(AppError):
    status = 422
    type = "validation-error"
    title = "Request validation failed"


class PreconditionRequired(AppError):
    status = 428
    type = "precondition-required"
    title = "Precondition required"


class RateLimited(AppError):
    status = 429
    type = "rate-limited"
    title = "Too many requests"


class UpstreamUnavailable(AppError):
    status = 503
    type = "upstream-unavailable"
    title = "A dependency is unavailable"
