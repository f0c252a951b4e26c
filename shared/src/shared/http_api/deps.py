"""FastAPI dependencies at the edge: the current principal and role checks."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from shared.auth import Principal, TokenVerifier
from shared.errors import Forbidden, Unauthorized
from shared.ratelimit import FailureLimiter

bearer_scheme = HTTPBearer(auto_error=False, description="A JWT from the configured issuer")


async def get_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> Principal:
    """Verify the bearer token (401 on any defect) and apply the per-principal rate limit.

    A client address that sent too many bad tokens lately gets 429 before its next token is
    checked, unless that token is one verified lately (a gateway's address is shared by many
    clients: one of them guessing must not lock the others out).
    """
    if credentials is None or not credentials.credentials:
        raise Unauthorized("A bearer token is required")
    verifier: TokenVerifier = request.app.state.verifier
    token = credentials.credentials
    principal = verifier.recall(token)
    if principal is None:
        failures: FailureLimiter = request.app.state.auth_failure_limiter
        address = request.client.host if request.client else "unknown"
        failures.check(address)
        try:
            principal = await verifier.verify(token)
        except Unauthorized:
            failures.record(address)
            raise
    # Service principals are our own relays and clients: their volume is the system's own event
    # flow (a relay at 3,000 events/s), so the per-principal limit is for people and partners.
    # A token with any other role beside ``service`` is limited like that person.
    if not principal.is_service_only:
        request.app.state.rate_limiter.check(principal.sub)
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


class RequireRole:
    """Dependency that admits a principal holding any of ``roles``; others get 403."""

    def __init__(self, *roles: str | Iterable[str]) -> None:
        flat: set[str] = set()
        for r in roles:
            if isinstance(r, str):
                flat.add(r)
            else:
                flat.update(r)
        self.roles = frozenset(flat)

    async def __call__(self, principal: CurrentPrincipal) -> Principal:
        if not principal.has_any(*self.roles):
            raise Forbidden("Your role does not allow this action")
        return principal
