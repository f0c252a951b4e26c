"""The FastAPI side of ``shared.casework.ownership``: one dependency for every route that acts on
one case, in every service."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterable
from typing import Annotated

from fastapi import Header, Path
from sqlalchemy.ext.asyncio import AsyncSession

from shared.audit import record_audit
from shared.auth import MANAGERS, Principal
from shared.casework.ownership import (
    OVERRIDE_HEADER,
    OVERRIDE_REASON_MAX,
    Access,
    Holding,
    decide_access,
)
from shared.db import DbSession
from shared.errors import NotFound
from shared.http_api.deps import CurrentPrincipal, RequireRole

HoldingLookup = Callable[[AsyncSession, uuid.UUID], Awaitable[Holding | None]]


class CaseActorCheck:
    """Dependency: the principal, once they hold one of ``caseworkers`` or ``managers`` and may
    act on the case in the path (``case_id``); 404 (``missing``) if there is no such case. A
    manager's override is audited in the request's transaction, so it commits or rolls back with
    the act.
    """

    def __init__(
        self,
        lookup: HoldingLookup,
        *,
        caseworkers: Iterable[str],
        managers: Iterable[str] = MANAGERS,
        missing: type[NotFound],
    ) -> None:
        self.lookup = lookup
        self.missing = missing
        self.caseworkers = frozenset(caseworkers)
        self.managers = frozenset(managers)
        self.require = RequireRole(self.caseworkers | self.managers)

    async def __call__(
        self,
        principal: CurrentPrincipal,
        session: DbSession,
        case_id: Annotated[uuid.UUID, Path(description="The case's UUID")],
        override_reason: Annotated[
            str | None,
            Header(
                alias=OVERRIDE_HEADER,
                max_length=OVERRIDE_REASON_MAX,
                description="A manager acting on another's case: why (audited)",
            ),
        ] = None,
    ) -> Principal:
        principal = await self.require(principal)
        holding = await self.lookup(session, case_id)
        if holding is None:
            raise self.missing(f"No case with id {case_id}")
        access = decide_access(
            principal,
            holding,
            override_reason=override_reason,
            caseworkers=self.caseworkers,
            managers=self.managers,
        )
        if access is Access.manager_override:
            assert override_reason is not None
            await record_audit(
                session,
                actor=principal,
                entity_type="case",
                entity_id=case_id,
                case_id=case_id,
                action="case.access_override",
                before={"owner": holding.owner, "team": holding.team},
                reason=override_reason.strip(),
            )
        return principal
