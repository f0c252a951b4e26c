"""Who may act on a case at intake (issue #15 item 14): the owner, the owner's team, and a
manager overriding with a reason, which is audited; anyone else 403 ``not-case-owner``."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.cases.models import Case
from shared.audit import AuditEntry
from tests.helpers import TODAY_ISO
from tests.intake.builders import IC, make_case, make_person

Headers = Callable[..., dict[str, str]]
TEAM = "intake-north"


async def _held_case(session: AsyncSession, team: str | None = TEAM) -> Case:
    case = await make_case(session, parties=[await make_person(session)], owner=IC)
    case.team = team
    await session.commit()
    return case


BODY = {"outcome_sought": "A fictional apology", "reason": "Told on the phone"}


@pytest.mark.parametrize(
    ("sub", "teams", "status"),
    [
        (IC, (), 200),  # the owner
        ("ic-bob", (TEAM,), 200),  # the owner's team
        ("ic-chris", ("intake-south",), 403),  # another team
        ("ic-erin", (), 403),  # no team
    ],
)
async def test_the_owner_and_the_team_may_act(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    sub: str,
    teams: tuple[str, ...],
    status: int,
) -> None:
    case = await _held_case(session)
    headers = {**auth_headers("intake_caseworker", sub=sub, teams=teams)}
    headers["If-Match"] = f'"{case.version}"'
    r = await client.patch(f"/v1/cases/{case.id}", headers=headers, json=BODY)
    assert r.status_code == status, r.text
    if status == 403:
        assert r.json()["type"].endswith("/not-case-owner")


async def test_every_act_on_a_case_checks_ownership(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await _held_case(session)
    other = auth_headers("intake_caseworker", sub="ic-chris")
    acts = [
        ("POST", "/parties", {"person_id": str(case.id), "role": "complainant"}),
        ("POST", "/communications", {"medium": "email", "direction": "inbound",
                                     "purpose": "party_contact",
                                     "occurred_at": "2026-11-02T09:00:00Z"}),
        ("POST", "/contact-attempts", {"channel": "telephone", "outcome": "no_answer",
                                       "attempted_at": "2026-11-02T09:00:00Z",
                                       "person_id": str(case.id)}),
        ("POST", "/priority-request", {"reason": "Terminal illness"}),
        ("POST", "/triage", {"answers": {}}),
        ("POST", "/refer", {"reason": "Hand on"}),
        ("POST", "/close", {"closure_code": "withdrawn", "reason": "Withdrawn"}),
    ]  # fmt: skip
    for method, path, body in acts:
        r = await client.request(method, f"/v1/cases/{case.id}{path}", json=body, headers=other)
        assert (path, r.status_code) == (path, 403), r.text
        assert r.json()["type"].endswith("/not-case-owner")


async def test_a_case_nobody_owns_is_anyones(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await _held_case(session)
    case.owner = None
    await session.commit()
    r = await client.patch(
        f"/v1/cases/{case.id}",
        headers={
            **auth_headers("intake_caseworker", sub="ic-chris"),
            "If-Match": f'"{case.version}"',
        },
        json=BODY,
    )
    assert r.status_code == 200, r.text


async def test_a_manager_overrides_with_a_reason_and_it_is_audited(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await _held_case(session)
    om = auth_headers("operations_manager", sub="om-dana")
    url = f"/v1/cases/{case.id}"
    refused = await client.patch(url, headers={**om, "If-Match": f'"{case.version}"'}, json=BODY)
    assert refused.status_code == 403
    assert "X-Override-Reason" in refused.json()["detail"]
    r = await client.patch(
        url,
        headers={**om, "If-Match": f'"{case.version}"', "X-Override-Reason": "Owner on leave"},
        json=BODY,
    )
    assert r.status_code == 200, r.text
    trail = (
        await session.scalars(
            select(AuditEntry).where(AuditEntry.case_id == case.id).order_by(AuditEntry.id)
        )
    ).all()
    overrides = [a for a in trail if a.action == "case.access_override"]
    assert [(a.actor, a.reason, a.before) for a in overrides] == [
        ("om-dana", "Owner on leave", {"owner": IC, "team": TEAM})
    ]
    # The override comes right before the act it allowed, in the same transaction.
    assert trail[trail.index(overrides[0]) + 1].action == "case.updated"


async def test_an_override_that_fails_leaves_no_trail(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await _held_case(session)
    om = auth_headers("operations_manager", sub="om-dana")
    r = await client.patch(
        f"/v1/cases/{case.id}",
        headers={**om, "If-Match": '"999"', "X-Override-Reason": "Owner on leave"},
        json=BODY,
    )
    assert r.status_code == 412
    trail = await session.scalars(select(AuditEntry.action).where(AuditEntry.case_id == case.id))
    assert "case.access_override" not in trail.all()


async def test_only_a_manager_may_give_an_override_reason(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await _held_case(session)
    r = await client.patch(
        f"/v1/cases/{case.id}",
        headers={**auth_headers("intake_caseworker", sub="ic-chris"),
                 "If-Match": f'"{case.version}"', "X-Override-Reason": "Asked to"},
        json=BODY,
    )  # fmt: skip
    assert r.status_code == 403
    assert r.json()["type"].endswith("/override-not-allowed")


async def test_a_new_case_takes_its_owner_s_team(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    person = await make_person(session)
    await session.commit()
    headers = auth_headers("intake_caseworker", sub="ic-bob", teams=(TEAM,))
    check = await client.post(
        "/v1/previous-contact-checks",
        json={"person_id": str(person.id), "organisation_ids": []}, headers=headers,
    )  # fmt: skip
    assert check.status_code == 201, check.text
    r = await client.post(
        "/v1/cases",
        json={"case_type": "complaint", "channel": "email", "jurisdiction": "health",
              "received_date": TODAY_ISO, "previous_contact_check_id": check.json()["id"]},
        headers=headers,
    )  # fmt: skip
    assert r.status_code == 201, r.text
    assert (r.json()["owner"], r.json()["team"]) == ("ic-bob", TEAM)


async def test_a_missing_case_is_404_before_ownership(
    client: httpx.AsyncClient, auth_headers: Headers
) -> None:
    r = await client.post(
        "/v1/cases/00000000-0000-4000-8000-000000000000/refer",
        json={"reason": "Hand on"}, headers=auth_headers("intake_caseworker", sub="ic-chris"),
    )  # fmt: skip
    assert r.status_code == 404
