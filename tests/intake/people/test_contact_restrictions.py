"""Contact restrictions under the unreasonable behaviour policy (XC-COM-001, ¶1.27, ¶2.222).

A manager decides one on the person's record; it is audited, shown on the contact card, and
while it is in force and covers a contact, that contact starts no 10-working-day
acknowledgement deadline (C-03). The test clock is Monday 2 November 2026.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.cases.models import Channel, Deadline, DeadlineKind
from intake_api.people.models import Person
from shared.audit import AuditEntry
from tests.intake.api import Api
from tests.intake.builders import make_case, make_person

Headers = Callable[..., dict[str, str]]
OM = "om-restricting"
RESTRICTION = {
    "scope": ["telephone", "in_person"],
    "starts_on": "2026-11-02",
    "review_on": "2027-02-01",
    "reason": "Written contact only, under the unreasonable behaviour policy",
}


@pytest.fixture
def manager(auth_headers: Headers) -> dict[str, str]:
    return auth_headers("operations_manager", sub=OM)


async def _restrict(
    client: httpx.AsyncClient, headers: dict[str, str], person_id: uuid.UUID, **changes: Any
) -> dict[str, Any]:
    r = await client.post(
        f"/v1/people/{person_id}/contact-restrictions",
        json={**RESTRICTION, **changes},
        headers=headers,
    )
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


async def _acknowledgements(session: AsyncSession, case_id: uuid.UUID) -> Sequence[Deadline]:
    stmt = select(Deadline).where(
        Deadline.case_id == case_id, Deadline.kind == DeadlineKind.acknowledgement
    )
    return (await session.scalars(stmt.execution_options(populate_existing=True))).all()


def _inbound(
    person: Person, medium: str, occurred_at: str = "2026-11-02T09:00:00Z"
) -> dict[str, Any]:
    return {
        "medium": medium,
        "direction": "inbound",
        "purpose": "party_contact",
        "occurred_at": occurred_at,
        "from_person_id": str(person.id),
    }


async def test_a_manager_decides_a_restriction_and_it_is_audited__XC_COM_001(
    client: httpx.AsyncClient, manager: dict[str, str], session: AsyncSession
) -> None:
    person = await make_person(session)
    await session.commit()
    made = await _restrict(client, manager, person.id)
    assert made["decided_by"] == OM
    assert made["scope"] == ["telephone", "in_person"]
    assert (made["starts_on"], made["ends_on"], made["review_on"]) == (
        "2026-11-02",
        None,
        "2027-02-01",
    )
    trail = (
        await session.scalars(
            select(AuditEntry).where(
                AuditEntry.entity_id == person.id,
                AuditEntry.action == "person.contact_restriction.imposed",
            )
        )
    ).all()
    assert [(a.actor, a.after["id"] if a.after else None) for a in trail] == [(OM, made["id"])]


async def test_only_a_manager_may_restrict_contact__XC_COM_001(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    person = await make_person(session)
    await session.commit()
    for role in ("intake_caseworker", "caseworker", "senior_caseworker", "service"):
        r = await client.post(
            f"/v1/people/{person.id}/contact-restrictions",
            json=RESTRICTION,
            headers=auth_headers(role, sub=f"{role}-1"),
        )
        assert r.status_code == 403, role


@pytest.mark.parametrize(
    "changes",
    [
        {"review_on": None},  # neither an end nor a review date
        {"ends_on": "2026-11-01"},  # ends before it starts
        {"review_on": "2026-11-01"},  # reviewed before it starts
        {"scope": []},
        {"scope": None},
        {"scope": ["telephone", "telephone"]},
        {"scope": ["carrier_pigeon"]},
        {"starts_on": None},
        {"reason": ""},
        {"reason": None},
        {"starts_on": "0001-01-01", "review_on": "9999-12-31"},
    ],
)
async def test_a_restriction_has_a_scope_a_start_and_an_end_or_review__XC_COM_001(
    client: httpx.AsyncClient,
    manager: dict[str, str],
    session: AsyncSession,
    changes: dict[str, Any],
) -> None:
    person = await make_person(session)
    await session.commit()
    body = {**RESTRICTION, **changes}
    body = {k: v for k, v in body.items() if not (k == "review_on" and v is None)}
    r = await client.post(
        f"/v1/people/{person.id}/contact-restrictions", json=body, headers=manager
    )
    if changes == {"starts_on": "0001-01-01", "review_on": "9999-12-31"}:
        assert r.status_code == 201, r.text  # the ends of the date range are still dates
        return
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")


async def test_the_contact_card_shows_restrictions_in_force_today__XC_COM_001(
    client: httpx.AsyncClient, manager: dict[str, str], session: AsyncSession
) -> None:
    person = await make_person(session)
    await session.commit()
    in_force = await _restrict(client, manager, person.id, starts_on="2026-10-01")
    await _restrict(client, manager, person.id, starts_on="2026-10-01", ends_on="2026-11-01",
                    review_on=None)  # fmt: skip
    await _restrict(client, manager, person.id, starts_on="2026-11-03")
    card = await client.get(f"/v1/people/{person.id}/contact-card", headers=manager)
    assert card.status_code == 200
    assert [(r["id"], r["scope"]) for r in card.json()["contact_restrictions"]] == [
        (in_force["id"], ["telephone", "in_person"])
    ]
    listed = await client.get(f"/v1/people/{person.id}/contact-restrictions", headers=manager)
    assert len(listed.json()["items"]) == 3


@pytest.mark.parametrize(
    ("scope", "medium", "acknowledgement_started"),
    [
        (["telephone"], "telephone", False),
        (["all_contact"], "email", False),
        (["all_contact"], "letter", False),
        (["telephone", "in_person"], "email", True),  # written contact is still answered
        (["email"], "letter", True),
    ],
)
async def test_covered_contact_starts_no_acknowledgement_deadline__XC_COM_001(
    api: Api,
    client: httpx.AsyncClient,
    manager: dict[str, str],
    session: AsyncSession,
    scope: list[str],
    medium: str,
    acknowledgement_started: bool,
) -> None:
    person = await make_person(session)
    case = await make_case(session, parties=[person])
    await session.commit()
    receipt = await _acknowledgements(session, case.id)
    await _restrict(client, manager, person.id, scope=scope)
    body = _inbound(person, medium)
    if medium == "telephone":
        body["purpose"] = "call"
    await api.call("POST", f"/v1/cases/{case.id}/communications", json=body, expect=201)
    started = [d for d in await _acknowledgements(session, case.id) if d.source_id is not None]
    assert bool(started) is acknowledgement_started
    assert len(await _acknowledgements(session, case.id)) == len(receipt) + len(started)


@pytest.mark.parametrize(
    ("occurred_at", "covered"),
    [
        ("2026-11-01T12:00:00Z", False),  # the day before it starts
        ("2026-11-02T00:30:00Z", True),  # its first day
        ("2026-11-20T23:30:00Z", True),  # its last day
        ("2026-11-21T00:30:00Z", False),  # the day after it ends
    ],
)
async def test_a_restriction_covers_its_first_and_last_day__XC_COM_001(
    api: Api,
    client: httpx.AsyncClient,
    manager: dict[str, str],
    session: AsyncSession,
    occurred_at: str,
    covered: bool,
) -> None:
    person = await make_person(session)
    case = await make_case(session, parties=[person])
    await session.commit()
    await _restrict(client, manager, person.id, scope=["email"], ends_on="2026-11-20",
                    review_on=None)  # fmt: skip
    await api.call(
        "POST", f"/v1/cases/{case.id}/communications",
        json=_inbound(person, "email", occurred_at), expect=201,
    )  # fmt: skip
    started = [d for d in await _acknowledgements(session, case.id) if d.source_id is not None]
    assert bool(started) is not covered


async def test_a_restriction_for_one_case_does_not_cover_another__XC_COM_001(
    api: Api, client: httpx.AsyncClient, manager: dict[str, str], session: AsyncSession
) -> None:
    person = await make_person(session)
    restricted_case = await make_case(session, parties=[person])
    other_case = await make_case(session, parties=[person])
    await session.commit()
    await _restrict(client, manager, person.id, scope=["email"], case_id=str(restricted_case.id))
    for case, expected in ((restricted_case, 0), (other_case, 1)):
        await api.call(
            "POST", f"/v1/cases/{case.id}/communications", json=_inbound(person, "email"),
            expect=201,
        )  # fmt: skip
        started = [d for d in await _acknowledgements(session, case.id) if d.source_id]
        assert len(started) == expected


async def test_a_restricted_complainant_cancels_the_clock_from_receipt__XC_COM_001(
    api: Api, client: httpx.AsyncClient, manager: dict[str, str], session: AsyncSession
) -> None:
    restricted = await make_person(session, given_name="Sam")
    free = await make_person(session, given_name="Kim")
    by_email = await make_case(session, channel=Channel.email)
    by_letter = await make_case(session, channel=Channel.letter)
    by_mp = await make_case(session, channel=Channel.mp_referral)
    unrestricted = await make_case(session, channel=Channel.email)
    await session.commit()
    await _restrict(client, manager, restricted.id, scope=["email"])
    for case, person in (
        (by_email, restricted), (by_letter, restricted), (by_mp, restricted), (unrestricted, free)
    ):  # fmt: skip
        await api.call(
            "POST", f"/v1/cases/{case.id}/parties",
            json={"person_id": str(person.id), "role": "complainant"}, expect=201,
        )  # fmt: skip
    cancelled = {
        case.id: [d.cancelled_at is not None for d in await _acknowledgements(session, case.id)]
        for case in (by_email, by_letter, by_mp, unrestricted)
    }
    assert cancelled == {
        by_email.id: [True],
        by_letter.id: [False],  # the restriction does not cover letters
        by_mp.id: [False],  # an MP's referral is the MP's contact
        unrestricted.id: [False],
    }
    trail = await session.scalars(
        select(AuditEntry.action).where(AuditEntry.case_id == by_email.id)
    )
    assert "case.acknowledgement_clock_cancelled" in trail.all()


async def test_lifting_a_restriction_ends_it_once__XC_COM_001(
    api: Api, client: httpx.AsyncClient, manager: dict[str, str], session: AsyncSession
) -> None:
    person = await make_person(session)
    case = await make_case(session, parties=[person])
    await session.commit()
    made = await _restrict(client, manager, person.id, scope=["all_contact"],
                           starts_on="2026-10-01")  # fmt: skip
    url = f"/v1/people/{person.id}/contact-restrictions/{made['id']}/lift"
    lift = {"lifted_on": "2026-11-02", "reason": "Lifted at review"}
    early = await client.post(url, json={**lift, "lifted_on": "2026-09-30"}, headers=manager)
    assert early.status_code == 422
    r = await client.post(url, json=lift, headers={**manager, "If-Match": '"1"'})
    assert r.status_code == 200, r.text
    assert (r.json()["lifted_on"], r.json()["lifted_by"]) == ("2026-11-02", OM)
    again = await client.post(url, json=lift, headers=manager)
    assert again.status_code == 409
    assert again.json()["type"].endswith("/contact-restriction-already-lifted")
    await api.call(
        "POST", f"/v1/cases/{case.id}/communications", json=_inbound(person, "email"),
        expect=201,
    )  # fmt: skip
    assert [d for d in await _acknowledgements(session, case.id) if d.source_id]
    card = await client.get(f"/v1/people/{person.id}/contact-card", headers=manager)
    assert card.json()["contact_restrictions"] == []
    other = await client.post(
        f"/v1/people/{uuid.uuid4()}/contact-restrictions/{made['id']}/lift",
        json=lift, headers=manager,
    )  # fmt: skip
    assert other.status_code == 404
