"""The intake rules on values as the service really hands them over: read back from PostgreSQL
and parsed from JSON, not the literals of test_rules.py.

A literal in a test is interned, so a rule that compared strings with ``is`` would pass on it;
asyncpg and ``json.loads`` make new string objects, as production does.
"""

from __future__ import annotations

import json
import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.cases.models import Case, Channel, DecisionChannel, Jurisdiction
from intake_api.cases.rules import Facts, Problems, closure_problems, referral_problems
from intake_api.cases.service import facts as case_facts
from tests.helpers import TODAY
from tests.intake.builders import (
    make_case,
    make_contact,
    make_organisation,
    make_person,
    make_ready_case,
)


async def read_back(session: AsyncSession, case_id: uuid.UUID) -> tuple[Case, Facts]:
    """The case and its facts as a new query reads them, with nothing left from the builders."""
    session.expunge_all()
    case = (await session.scalars(select(Case).where(Case.id == case_id))).one()
    return case, await case_facts(session, case, today=TODAY)


def as_received(value: str, literal: str) -> bool:
    """Equal to the literal but another object: what a real query or parse gives."""
    return value == literal and value is not literal


def pairs(problems: Problems) -> set[tuple[str, str]]:
    return {(p["requirement"], p["item"]) for p in problems.items}


async def test_a_ready_case_read_back_from_postgresql_may_be_referred__INT_008_INT_010(
    session: AsyncSession,
) -> None:
    case = await make_ready_case(session)

    loaded, facts = await read_back(session, case.id)

    [attempt] = facts.attempts
    [letter] = facts.communications
    assert as_received(attempt.direction, "outbound")
    assert as_received(letter.direction, "outbound")
    assert as_received(letter.purpose, "acknowledgement")
    assert as_received(letter.medium, "letter")
    assert referral_problems(loaded, facts).items == []


async def test_closure_rules_on_a_code_from_json_and_attempts_from_postgresql__INT_014_ASM_018(
    session: AsyncSession,
) -> None:
    person = await make_person(session)
    organisation = await make_organisation(session)
    case = await make_case(
        session, parties=[person], organisations=[organisation], channel=Channel.telephone
    )
    for outcome in ("no_answer", "voicemail"):
        await make_contact(session, case, person, outcome=outcome)
    not_in_writing = "Not properly made - not in writing"
    [code] = json.loads(json.dumps({"closure_code": not_in_writing})).values()
    assert as_received(code, not_in_writing)

    loaded, facts = await read_back(session, case.id)

    def close() -> Problems:
        return closure_problems(
            loaded,
            facts,
            code=code,
            decision_channel=DecisionChannel.telephone,
            written_decision_requested=False,
            enough_information_to_decide=False,
            signposting=None,
            signposting_detail=None,
            time_limit_explained=False,
            information_deadline_passed=None,
        )

    assert facts.unsuccessful_attempts_to_complainant == 2
    assert pairs(close()) == {("INT-014", "enough_information")}
    loaded.jurisdiction = Jurisdiction.parliamentary
    assert ("ASM-018", "closure_code") in pairs(close())
