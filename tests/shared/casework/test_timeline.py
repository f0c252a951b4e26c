"""A case's timeline (shared.casework.timeline), read from the audit trail (XC-AUD)."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from shared.audit import record_audit
from shared.auth import Principal
from shared.casework.timeline import case_timeline

ADA = Principal(sub="kit-ada", roles=frozenset({"caseworker"}))
BOB = Principal(sub="kit-bob", roles=frozenset({"operations_manager"}))


async def test_the_timeline_is_the_cases_audit_rows_oldest_first__XC_AUD(
    session: AsyncSession,
) -> None:
    case_id, other_case = uuid.uuid4(), uuid.uuid4()
    entity = uuid.uuid4()
    steps = [
        (ADA, case_id, "case.created", None, None, {"status": "received"}),
        (BOB, other_case, "case.created", None, None, {"status": "received"}),
        (ADA, case_id, "case.updated", "Complainant clarified", {"s": "a"}, {"s": "b"}),
        (BOB, other_case, "case.closed", "Withdrawn", None, None),
        (BOB, case_id, "case.priority_approved", "Terminal illness", None, {"p": "high"}),
    ]
    for actor, cid, action, reason, before, after in steps:
        await record_audit(
            session, actor=actor, entity_type="case", entity_id=entity, case_id=cid,
            action=action, reason=reason, before=before, after=after,
        )  # fmt: skip

    timeline = await case_timeline(session, case_id=case_id)

    assert [(e.actor, e.action, e.reason, e.before, e.after) for e in timeline] == [
        ("kit-ada", "case.created", None, None, {"status": "received"}),
        ("kit-ada", "case.updated", "Complainant clarified", {"s": "a"}, {"s": "b"}),
        ("kit-bob", "case.priority_approved", "Terminal illness", None, {"p": "high"}),
    ]
    assert all(e.at.tzinfo is not None for e in timeline)
    other = await case_timeline(session, case_id=other_case)
    assert [e.action for e in other] == ["case.created", "case.closed"]


async def test_the_timeline_includes_every_entity_of_the_case__XC_AUD(
    session: AsyncSession,
) -> None:
    case_id = uuid.uuid4()
    for entity_type in ("case", "communication", "deadline"):
        await record_audit(
            session, actor=ADA, entity_type=entity_type, entity_id=uuid.uuid4(),
            case_id=case_id, action=f"{entity_type}.recorded",
        )  # fmt: skip

    timeline = await case_timeline(session, case_id=case_id)

    assert [e.action for e in timeline] == [
        "case.recorded",
        "communication.recorded",
        "deadline.recorded",
    ]


async def test_a_case_without_audit_rows_has_an_empty_timeline(session: AsyncSession) -> None:
    await record_audit(
        session, actor=ADA, entity_type="case", entity_id=uuid.uuid4(), case_id=None,
        action="case.unlinked",
    )  # fmt: skip
    assert await case_timeline(session, case_id=uuid.uuid4()) == []
