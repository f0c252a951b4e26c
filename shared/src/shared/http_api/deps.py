"""FastAPI dependencies at the edge: the current principal and role checks."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from shared.auth import Principal, TokenVerifier
from shared.errors import Forbidden, Unauthorized

bearer_scheme = HTTPBearer(auto_error=False, description="A JWT from the configured issuer")


async def get_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> Principal:
    """Verify the bearer token (401 on any defect) and apply the per-principal rate limit."""
    if credentials is None or not credentials.credentials:
        raise Unauthorized("A bearer token is required")
    verifier: TokenVerifier = request.app.state.verifier
    principal = await verifier.verify(credentials.credentials)
    # Service principals are our own relays and clients: their volume is the system's own event
    # flow (a relay at 3,000 events/s), so the per-principal limit is for people and partners.
    if not principal.is_service:
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
