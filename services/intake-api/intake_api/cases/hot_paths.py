"""The two hot paths of intake, written below the ORM: reading one case and creating one.

Why: DESIGN §7 bars ``GET /v1/cases/{id}`` and ``POST /v1/cases`` at no less than half the
throughput of a raw asyncpg baseline (``make bench``: the 'get' and 'post' lines), and most of
the gap to that baseline is the ORM's own work per request (building an instance, the identity
map, the unit of work's flush). So here, and only here:

- the read is one asyncpg prepared statement, compiled once from the model, on the driver
  connection itself (no session, no transaction), straight into ``CaseRead``;
- the create is a few Core statements compiled once, in the request's session (its audit row,
  event and idempotency record commit with it): the case comes back from its INSERT with its
  reference, version and timestamps, and both its clocks go in with one statement.

Everything else in ``cases/`` goes through the ORM.
"""

from __future__ import annotations

import typing
import uuid
from datetime import date, datetime
from typing import Any

import asyncpg
from sqlalchemy import Table, Text, bindparam, cast, func, insert, select
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.cases import clocks, repository
from intake_api.cases.errors import CaseNotFound, PreviousContactCheckNotFound, ReceivedDateInFuture
from intake_api.cases.models import Case, CaseStage, Deadline
from intake_api.cases.schemas import CaseCreate, CaseRead
from intake_api.cases.schemas_register import CaseRegisterRead, CaseStageRead, CaseWhereabouts
from intake_api.cases.service import CASE
from intake_api.cases.stage_rules import ASSESSMENT, INTAKE, Place, now_at
from intake_api.cases.state import INITIAL_STATUS, CaseStatus
from shared.auth import Principal
from shared.calendar import WorkingCalendar
from shared.casework.ownership import team_of
from shared.events.contracts.intake import CaseCreatedV1
from shared.outbox.emit import emit

_STAGE = typing.cast(Table, CaseStage.__table__)
_STAGE_COLUMNS = ("service", "status", "owner", "team", "closure_code", "changed_at")
# The case and the register's projection of its later stage (one primary-key probe each).
CASE_BY_ID_SQL = str(
    select(*Case.__table__.c, *(_STAGE.c[c].label(f"stage_{c}") for c in _STAGE_COLUMNS))
    .select_from(typing.cast(Table, Case.__table__).outerjoin(_STAGE, _STAGE.c.case_id == Case.id))
    .where(Case.id == bindparam("case_id"))
    .compile(dialect=asyncpg_dialect())  # type: ignore[no-untyped-call]
)


async def read_case(
    driver: asyncpg.Connection, *, case_id: uuid.UUID, assessment_url: str
) -> CaseRegisterRead:
    """The case for reading only, from its row over the asyncpg connection ``driver``, with
    where it is now (the register, issue #12) and the link to the service to ask."""
    row = await driver.fetchrow(CASE_BY_ID_SQL, case_id)
    if row is None:
        raise CaseNotFound(f"No case with id {case_id}")
    values = dict(row)
    stage_values = {c: values.pop(f"stage_{c}") for c in _STAGE_COLUMNS}
    case = CaseRead.model_validate(values)
    stage = CaseStageRead(**stage_values) if stage_values["service"] is not None else None
    return register_view(case, stage, assessment_url=assessment_url)


def register_view(
    case: CaseRead, stage: CaseStageRead | None, *, assessment_url: str
) -> CaseRegisterRead:
    """``case`` with its later stage and where it is now (``stage_rules.now_at``)."""
    intake = Place(
        service=INTAKE, status=case.status.value, owner=case.owner, team=case.team,
        closure_code=case.closure_code, updated_at=case.status_changed_at or case.created_at,
    )  # fmt: skip
    later = None
    if stage is not None:
        later = Place(
            service=stage.service, status=stage.status, owner=stage.owner, team=stage.team,
            closure_code=stage.closure_code, updated_at=stage.changed_at,
        )  # fmt: skip
    here = now_at(intake, later)
    base = assessment_url.rstrip("/") if here.service == ASSESSMENT else ""
    return CaseRegisterRead(
        **case.model_dump(),
        later_stage=stage,
        now_at=CaseWhereabouts(
            service=here.service, status=here.status, owner=here.owner, team=here.team,
            closure_code=here.closure_code, updated_at=here.updated_at,
            href=f"{base}/v1/cases/{case.id}",
        ),
    )  # fmt: skip


# The reference comes from the sequence in the INSERT itself: ``<prefix>-<7 digits>``, unique and
# gap-free enough (a rolled-back insert uses a number up), never truncated past 7 digits.
_NUMBER = cast(
    select(func.nextval("case_reference_seq").label("n")).subquery("next_number").c.n, Text()
)
_REFERENCE = select(
    func.concat(
        bindparam("reference_prefix", type_=Text()),
        "-",
        func.lpad(_NUMBER, func.greatest(7, func.length(_NUMBER)), "0"),
    )
).scalar_subquery()
# On the tables, not the mapped classes: Core statements skip the ORM's bulk-insert path.
_INSERT_CASE = (
    insert(typing.cast(Table, Case.__table__))
    .values(
        reference=_REFERENCE,
        version=1,
        checklist={},
        joint_working_topics=[],
        remit_categories=[],
        organisation_ids=[],
    )
    .returning(*Case.__table__.c)
)
_INSERT_DEADLINES = insert(typing.cast(Table, Deadline.__table__))


async def create_case(
    session: AsyncSession,
    *,
    data: CaseCreate,
    actor: Principal,
    today: date,
    now: datetime,
    reference_prefix: str,
    calendar: WorkingCalendar,
) -> CaseRead:
    """T1 (received), or T1+T2 when the previous-contact check is given (INT-001/002).

    Emits ``intake.case.created``; starts the C-01 and C-03 clocks from receipt.
    """
    if data.received_date > today:
        raise ReceivedDateInFuture(f"received_date {data.received_date} is after today ({today})")
    if data.previous_contact_check_id is not None:
        if await repository.check(session, data.previous_contact_check_id) is None:
            raise PreviousContactCheckNotFound("Run the previous-contact check first")
    assert data.case_type is not None  # CaseCreate fills in the INT-004 default
    in_intake = data.previous_contact_check_id is not None
    values: dict[str, Any] = {
        "reference_prefix": reference_prefix,
        "id": uuid.uuid4(),
        "status": CaseStatus.intake if in_intake else INITIAL_STATUS,
        "status_changed_at": now,
        "case_type": data.case_type,
        "channel": data.channel,
        "jurisdiction": data.jurisdiction,
        "received_date": data.received_date,
        "copied_in_only": data.copied_in_only,
        "type_reason": data.type_reason,
        "complaint_summary": data.complaint_summary,
        "previous_contact_check_id": data.previous_contact_check_id,
        "owner": actor.sub if in_intake else None,
        "team": team_of(actor) if in_intake else None,
        "created_by": actor.sub,
    }
    intake_clocks = clocks.intake_clocks(values["id"], data.received_date, calendar)
    values.update(clocks.first_due(intake_clocks))
    case = CaseRead.model_validate((await session.execute(_INSERT_CASE, values)).one())
    await session.execute(_INSERT_DEADLINES, intake_clocks)
    await CASE.record(
        session, case, actor=actor, action="case.created", before=None, reason="Request received"
    )
    await emit(
        session,
        CaseCreatedV1(
            reference=case.reference,
            status=case.status.value,
            case_type=case.case_type.value,
            channel=case.channel.value,
            jurisdiction=case.jurisdiction.value if case.jurisdiction else None,
            received_date=case.received_date,
            previous_contact_check_id=case.previous_contact_check_id,
        ),
        case_id=case.id,
        actor=actor.sub,
        occurred_at=now,
    )
    return case
