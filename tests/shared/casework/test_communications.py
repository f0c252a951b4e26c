"""Contact attempts (shared.casework.communications; XC-COM): how many did not reach the person."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.cases.models import ContactAttempt
from shared.casework.communications import (
    FAILED_OUTCOMES,
    ContactOutcome,
    DocumentRef,
    Recipient,
    failed_attempts,
)
from tests.shared.casework.builders import make_case

ANNE, BEN = uuid.uuid4(), uuid.uuid4()
AT = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


def _attempt(person_id: uuid.UUID, outcome: ContactOutcome, n: int = 0) -> ContactAttempt:
    return ContactAttempt(
        id=uuid.uuid4(), case_id=uuid.uuid4(), person_id=person_id, channel="telephone",
        direction="outbound", attempted_at=AT + timedelta(hours=n), outcome=outcome,
        recorded_by="kit",
    )  # fmt: skip


# Every outcome of an attempt but reaching the person is a failed attempt (INT-005/014), stated
# here rather than taken from the code under test.
FAILED = ("no_answer", "voicemail", "wrong_number", "written_no_reply")


def test_only_reached_is_not_a_failed_attempt__XC_COM() -> None:
    assert {o.value for o in FAILED_OUTCOMES} == set(FAILED)
    assert {o.value for o in ContactOutcome} == {*FAILED, "reached"}


@pytest.mark.parametrize("outcome", FAILED)
def test_every_outcome_but_reached_counts_as_failed__XC_COM(outcome: str) -> None:
    assert failed_attempts([_attempt(ANNE, ContactOutcome(outcome))]) == 1


def test_reached_attempts_do_not_count__XC_COM() -> None:
    attempts = [_attempt(ANNE, ContactOutcome.reached, i) for i in range(3)]
    assert failed_attempts(attempts) == 0


def test_failed_attempts_count_across_people_when_no_person_is_given__XC_COM() -> None:
    attempts = [
        _attempt(ANNE, ContactOutcome.no_answer, 0),
        _attempt(ANNE, ContactOutcome.reached, 1),
        _attempt(BEN, ContactOutcome.voicemail, 2),
        _attempt(ANNE, ContactOutcome.wrong_number, 3),
        _attempt(BEN, ContactOutcome.written_no_reply, 4),
        _attempt(BEN, ContactOutcome.reached, 5),
    ]

    assert failed_attempts(attempts) == 4
    assert failed_attempts(attempts, person_id=ANNE) == 2
    assert failed_attempts(attempts, person_id=BEN) == 2
    assert failed_attempts(attempts, person_id=uuid.uuid4()) == 0
    # An id as a request or a row hands it over: equal, but another object.
    assert failed_attempts(attempts, person_id=uuid.UUID(str(ANNE))) == 2


def test_outcomes_stored_as_plain_text_count_the_same__XC_COM() -> None:
    # A service may keep ``outcome`` in a Text column: rows then carry plain strings.
    attempts = [
        SimpleNamespace(person_id=ANNE, outcome="no_answer"),
        SimpleNamespace(person_id=ANNE, outcome="reached"),
        SimpleNamespace(person_id=BEN, outcome="written_no_reply"),
    ]
    assert failed_attempts(attempts) == 2
    assert failed_attempts(attempts, person_id=ANNE) == 1


def test_no_attempts_is_no_failures() -> None:
    assert failed_attempts([]) == 0
    assert failed_attempts([], person_id=ANNE) == 0


async def test_failed_attempts_read_from_stored_rows__XC_COM(session: AsyncSession) -> None:
    case = await make_case(session)
    for i, (person, outcome) in enumerate(
        [
            (ANNE, ContactOutcome.no_answer),
            (ANNE, ContactOutcome.voicemail),
            (BEN, ContactOutcome.reached),
            (BEN, ContactOutcome.no_answer),
        ]
    ):
        row = _attempt(person, outcome, i)
        row.case_id = case.id
        session.add(row)
    await session.flush()
    session.expunge_all()

    stored = list(
        await session.scalars(select(ContactAttempt).where(ContactAttempt.case_id == case.id))
    )

    assert len(stored) == 4
    assert failed_attempts(stored) == 3
    assert failed_attempts(stored, person_id=ANNE) == 2
    assert failed_attempts(stored, person_id=BEN) == 1


def test_a_recipient_is_an_id_and_refuses_anything_else__XC_COM() -> None:
    assert Recipient(person_id=ANNE).is_copy is False
    with pytest.raises(ValidationError):
        Recipient.model_validate({"person_id": str(ANNE), "address": "1 High Street"})
    with pytest.raises(ValidationError):
        Recipient.model_validate({"person_id": str(ANNE), "is_copy": "yes"})


@pytest.mark.parametrize("length", [1, 300])
def test_a_document_title_is_1_to_300_characters__XC_COM(length: int) -> None:
    assert DocumentRef(title="t" * length).title == "t" * length


@pytest.mark.parametrize("length", [0, 301])
def test_a_document_title_outside_1_to_300_characters_is_refused__XC_COM(length: int) -> None:
    with pytest.raises(ValidationError):
        DocumentRef(title="t" * length)


def test_a_document_has_a_title_and_a_strict_sensitivity_flag__XC_COM() -> None:
    assert DocumentRef(title="GP letter").sensitive is False
    with pytest.raises(ValidationError):
        DocumentRef(title="")
    with pytest.raises(ValidationError):
        DocumentRef.model_validate({"title": "GP letter", "sensitive": "true"})
